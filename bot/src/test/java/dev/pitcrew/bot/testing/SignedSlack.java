package dev.pitcrew.bot.testing;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.slack.api.app_backend.SlackSignature;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;

/** Sends requests to Pitcrew as Slack does: form-encoded and signed with the signing secret. */
public final class SignedSlack {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final java.util.regex.Pattern CORRELATION_ID =
      java.util.regex.Pattern.compile("pc-[0-9a-f]{12}");

  private final HttpClient http = HttpClient.newHttpClient();
  private final URI endpoint;
  private final String secret;
  private final Clock clock;

  public SignedSlack(int port, String secret, Clock clock) {
    this.endpoint = URI.create("http://127.0.0.1:" + port + "/slack/events");
    this.secret = secret;
    this.clock = clock;
  }

  private static String[] slashCommandFields(String user, String channel, String text) {
    return new String[] {
      "token", "legacy",
      "team_id", "T1",
      "team_domain", "pitcrew-test",
      "channel_id", channel,
      "channel_name", "ops",
      "user_id", user,
      "user_name", user.toLowerCase(java.util.Locale.ROOT),
      "command", "/ask",
      "text", text,
      "api_app_id", "A1",
      "response_url", "http://127.0.0.1:9/commands/T1/1/x",
      "trigger_id", "1.2.3"
    };
  }

  /** The first correlation ID in {@code text} (an acknowledgement, say); fails if there is none. */
  public static String correlationIdIn(String text) {
    java.util.regex.Matcher m = CORRELATION_ID.matcher(text);
    if (!m.find()) {
      throw new AssertionError("no correlation ID in " + text);
    }
    return m.group();
  }

  /** Where signed requests go: Pitcrew's {@code /slack/events}. */
  public URI endpoint() {
    return endpoint;
  }

  public static String slashCommandBody(String user, String channel, String text) {
    return form(slashCommandFields(user, channel, text));
  }

  /** The same slash command as Socket Mode carries it: the fields as a JSON object. */
  public static ObjectNode slashCommandPayload(String user, String channel, String text) {
    String[] fields = slashCommandFields(user, channel, text);
    ObjectNode payload = JSON.createObjectNode();
    for (int i = 0; i < fields.length; i += 2) {
      payload.put(fields[i], fields[i + 1]);
    }
    return payload;
  }

  public static String blockActionBody(
      String user, String channel, String actionId, String value, String messageTs) {
    return form(
        "payload", blockActionPayload(user, channel, actionId, value, messageTs).toString());
  }

  /** A button click as JSON, the way Socket Mode's {@code interactive} envelope carries it. */
  public static ObjectNode blockActionPayload(
      String user, String channel, String actionId, String value, String messageTs) {
    ObjectNode payload = JSON.createObjectNode().put("type", "block_actions");
    payload.putObject("team").put("id", "T1").put("domain", "pitcrew-test");
    payload.putObject("user").put("id", user).put("username", user).put("team_id", "T1");
    payload.put("api_app_id", "A1").put("token", "legacy").put("trigger_id", "1.2.3");
    payload
        .putObject("container")
        .put("type", "message")
        .put("message_ts", messageTs)
        .put("channel_id", channel)
        .put("is_ephemeral", false);
    payload.putObject("channel").put("id", channel).put("name", "ops");
    payload.putObject("message").put("type", "message").put("ts", messageTs).put("text", "card");
    payload.put("response_url", "http://127.0.0.1:9/actions/T1/1/x");
    ObjectNode action = payload.putArray("actions").addObject();
    action.put("action_id", actionId).put("block_id", "approval").put("value", value);
    action.put("type", "button").put("action_ts", "1700000000.000001");
    action.putObject("text").put("type", "plain_text").put("text", "Approve");
    return payload;
  }

  /** A form body carrying an interactive payload, as Slack posts a click. */
  public static String interactiveBody(ObjectNode payload) {
    return form("payload", payload.toString());
  }

  /** An Events API {@code app_mention} callback, as JSON. */
  public static String mentionBody(
      String eventId, String user, String channel, String text, String ts, String threadTs) {
    return mentionPayload(eventId, user, channel, text, ts, threadTs).toString();
  }

  /** The same callback as an {@code events_api} envelope's payload. */
  public static ObjectNode mentionPayload(
      String eventId, String user, String channel, String text, String ts, String threadTs) {
    ObjectNode root = JSON.createObjectNode().put("token", "legacy").put("team_id", "T1");
    root.put("api_app_id", "A1").put("type", "event_callback").put("event_id", eventId);
    root.put("event_time", 1_700_000_000L);
    ObjectNode event = root.putObject("event");
    event.put("type", "app_mention").put("user", user).put("text", text).put("ts", ts);
    event.put("channel", channel).put("event_ts", ts);
    if (threadTs != null) {
      event.put("thread_ts", threadTs);
    }
    return root;
  }

  /** Sends a JSON body (Events API), signed. */
  public HttpResponse<String> sendJson(String body) throws IOException, InterruptedException {
    String timestamp = String.valueOf(clock.instant().getEpochSecond());
    return http.send(
        HttpRequest.newBuilder(endpoint)
            .timeout(Duration.ofSeconds(10))
            .header("Content-Type", "application/json")
            .header("X-Slack-Request-Timestamp", timestamp)
            .header("X-Slack-Signature", sign(timestamp, body, secret))
            .POST(HttpRequest.BodyPublishers.ofString(body))
            .build(),
        HttpResponse.BodyHandlers.ofString());
  }

  public HttpResponse<String> slashCommand(String user, String channel, String text)
      throws IOException, InterruptedException {
    return send(slashCommandBody(user, channel, text));
  }

  public HttpResponse<String> click(
      String user, String channel, String actionId, String approvalId, String messageTs)
      throws IOException, InterruptedException {
    return send(blockActionBody(user, channel, actionId, approvalId, messageTs));
  }

  /** Signed now, with the right secret. */
  public HttpResponse<String> send(String body) throws IOException, InterruptedException {
    String timestamp = String.valueOf(clock.instant().getEpochSecond());
    return send(body, timestamp, new SlackSignature.Generator(secret).generate(timestamp, body));
  }

  /** Exactly these headers, for tests of bad signatures. */
  public HttpResponse<String> send(String body, String timestamp, String signature)
      throws IOException, InterruptedException {
    return http.send(request(body, timestamp, signature), HttpResponse.BodyHandlers.ofString());
  }

  /** The request {@link #send(String)} makes, signed now, for callers that send it themselves. */
  public HttpRequest signed(String body) {
    String timestamp = String.valueOf(clock.instant().getEpochSecond());
    return request(body, timestamp, new SlackSignature.Generator(secret).generate(timestamp, body));
  }

  private HttpRequest request(String body, String timestamp, String signature) {
    HttpRequest.Builder request =
        HttpRequest.newBuilder(endpoint)
            .timeout(Duration.ofSeconds(10))
            .header("Content-Type", "application/x-www-form-urlencoded")
            .POST(HttpRequest.BodyPublishers.ofString(body));
    if (timestamp != null) {
      request.header("X-Slack-Request-Timestamp", timestamp);
    }
    if (signature != null) {
      request.header("X-Slack-Signature", signature);
    }
    return request.build();
  }

  public String sign(String timestamp, String body, String withSecret) {
    return new SlackSignature.Generator(withSecret).generate(timestamp, body);
  }

  private static String form(String... pairs) {
    StringBuilder out = new StringBuilder();
    for (int i = 0; i < pairs.length; i += 2) {
      if (out.length() > 0) {
        out.append('&');
      }
      out.append(URLEncoder.encode(pairs[i], StandardCharsets.UTF_8))
          .append('=')
          .append(URLEncoder.encode(pairs[i + 1], StandardCharsets.UTF_8));
    }
    return out.toString();
  }
}
