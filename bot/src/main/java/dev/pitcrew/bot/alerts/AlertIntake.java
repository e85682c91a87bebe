package dev.pitcrew.bot.alerts;

import dev.pitcrew.approvals.AlertPolicy;
import dev.pitcrew.bot.http.HttpReply;
import dev.pitcrew.bot.http.HttpRoute;
import dev.pitcrew.bot.metrics.Metrics;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code POST /alerts/alertmanager}: Alertmanager's webhook. Checks the token (a bearer token, or
 * HTTP basic auth with the token as the password, compared in constant time), reads the payload,
 * drops what the ignore rules match, and hands the group to {@link AlertThreads} on the alert
 * workers. The answer waits on nothing but this: no Slack, no store, no model. A full queue answers
 * 503, which Alertmanager retries.
 */
public final class AlertIntake implements HttpRoute {
  private static final Logger log = LoggerFactory.getLogger(AlertIntake.class);

  private final byte[] tokenDigest;
  private final AlertPolicy policy;
  private final AlertThreads threads;
  private final Executor workers;
  private final Metrics metrics;

  public AlertIntake(
      String token, AlertPolicy policy, AlertThreads threads, Executor workers, Metrics metrics) {
    this.tokenDigest = digest(token);
    this.policy = policy;
    this.threads = threads;
    this.workers = workers;
    this.metrics = metrics;
  }

  @Override
  public HttpReply handle(
      String method, Map<String, List<String>> headers, String query, byte[] body) {
    if (!"POST".equals(method)) {
      return HttpReply.text(405, "POST only");
    }
    if (!authorized(headers)) {
      metrics.alert("rejected");
      log.warn("refused an alert webhook call: missing or wrong token");
      return HttpReply.text(401, "missing or wrong token");
    }
    AlertGroup group;
    try {
      group = AlertGroup.parse(body);
    } catch (AlertGroup.Invalid e) {
      metrics.alert("rejected");
      log.warn("refused an alert webhook payload: {}", e.getMessage());
      return HttpReply.text(400, "invalid Alertmanager payload: " + e.getMessage());
    }
    metrics.alert("received");
    if (policy.ignored(group.labels())) {
      metrics.alert("ignored");
      return HttpReply.text(200, "ignored by alerts.ignore");
    }
    if (threads.alreadyTaken(group)) {
      metrics.alert("deduplicated");
      return HttpReply.text(200, "already taken");
    }
    try {
      workers.execute(() -> threads.handle(group));
    } catch (RejectedExecutionException e) {
      threads.forget(group);
      metrics.alert("busy");
      return HttpReply.text(503, "busy; Alertmanager will send it again");
    }
    return HttpReply.text(200, "accepted");
  }

  /** Bearer TOKEN, or Basic base64(ANY:TOKEN); the digests are compared, in constant time. */
  private boolean authorized(Map<String, List<String>> headers) {
    List<String> values = headers.get("authorization");
    if (values == null || values.size() != 1) {
      return false;
    }
    String value = values.get(0).strip();
    String presented = null;
    if (value.regionMatches(true, 0, "Bearer ", 0, 7)) {
      presented = value.substring(7).strip();
    } else if (value.regionMatches(true, 0, "Basic ", 0, 6)) {
      try {
        String decoded =
            new String(
                Base64.getDecoder().decode(value.substring(6).strip()), StandardCharsets.UTF_8);
        int colon = decoded.indexOf(':');
        presented = colon < 0 ? null : decoded.substring(colon + 1);
      } catch (IllegalArgumentException e) {
        return false;
      }
    }
    return presented != null && MessageDigest.isEqual(digest(presented), tokenDigest);
  }

  private static byte[] digest(String token) {
    try {
      return MessageDigest.getInstance("SHA-256").digest(token.getBytes(StandardCharsets.UTF_8));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is missing from this JVM", e);
    }
  }
}
