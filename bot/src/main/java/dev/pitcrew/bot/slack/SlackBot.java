package dev.pitcrew.bot.slack;

import com.slack.api.Slack;
import com.slack.api.SlackConfig;
import com.slack.api.bolt.App;
import com.slack.api.bolt.AppConfig;
import com.slack.api.bolt.request.Request;
import com.slack.api.bolt.request.RequestHeaders;
import com.slack.api.bolt.response.Response;
import com.slack.api.bolt.util.SlackRequestParser;
import com.slack.api.methods.MethodsClient;
import com.slack.api.model.event.AppMentionEvent;
import com.slack.api.util.http.SlackHttpClient;
import dev.pitcrew.approvals.GroupDirectory;
import dev.pitcrew.bot.audit.AuditSink;
import dev.pitcrew.bot.config.Urls;
import dev.pitcrew.bot.http.HttpReply;
import dev.pitcrew.bot.http.HttpRoute;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The Slack transport: the Web API client, whose app this is, the Bolt app with its middleware
 * ({@link WorkspaceCheck}, {@link RecentEvents}), the signed {@code POST /slack/events} route and
 * Socket Mode. The handlers ({@link AskCommand}, {@link DecisionButtons}, {@link Mentions}) are
 * given what they need by the composition root.
 */
public final class SlackBot implements HttpRoute, AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(SlackBot.class);

  private final App app;
  private final SlackRequestParser parser;
  private final SlackSignatureVerifier verifier;
  private final SlackSurface surface;
  private final MethodsClient methods;
  private final SlackCalls calls;
  private final URI apiUrl;

  /**
   * Whose Slack app this is, learned once at start-up: payloads naming another workspace or app are
   * refused.
   *
   * @param appId null if it could not be learned (then only the team is checked)
   * @param url the workspace's address ({@code https://acme.slack.com/}), for permalinks built
   *     without a call; null if auth.test gave none
   */
  public record Identity(String teamId, String appId, String url) {}

  private final Slack slack;
  private final Optional<String> appToken;
  private volatile SlackSocket socket;
  private volatile Identity identity;
  private volatile DecisionButtons buttons;

  /** The one auth.test answer of start-up, which Bolt's authorization middleware reuses. */
  private volatile com.slack.api.methods.response.auth.AuthTestResponse startupAuth;

  private SlackBot(
      String botToken,
      Optional<String> signingSecret,
      Optional<String> appToken,
      URI apiUrl,
      Clock clock) {
    SlackConfig slackConfig = new SlackConfig();
    slackConfig.setMethodsEndpointUrlPrefix(apiUrl.toString());
    slackConfig.setStatsEnabled(false);
    slackConfig.setHttpClientReadTimeoutMillis(10_000);
    slackConfig.setHttpClientCallTimeoutMillis(15_000);
    // OkHttp re-sends a POST whose connection failed, unseen: a card whose answer was lost would be
    // posted twice. SlackCalls decides about retries instead, after checking what landed.
    SlackHttpClient http =
        new SlackHttpClient(
            SlackHttpClient.buildOkHttpClient(slackConfig)
                .newBuilder()
                .retryOnConnectionFailure(false)
                .build());
    http.setConfig(slackConfig);
    this.slack = Slack.getInstance(slackConfig, http);
    this.apiUrl = apiUrl;
    this.appToken = appToken;
    this.methods = slack.methods(botToken);
    this.calls = SlackCalls.of(methods);
    this.surface = new SlackSurface(calls);
    // Socket Mode needs no signing secret: Slack's socket is already authenticated.
    this.verifier = signingSecret.map(s -> new SlackSignatureVerifier(s, clock)).orElse(null);
    AppConfig appConfig =
        AppConfig.builder()
            .slack(slack)
            .singleTeamBotToken(botToken)
            .signingSecret(signingSecret.orElse(null))
            // Verified in handle() first, more strictly (future timestamps too).
            .requestVerificationEnabled(false)
            // Bolt re-runs auth.test on a request once its cached answer is 10 minutes old: a Web
            // API call on the acknowledgement path. The start-up answer is kept; the readiness
            // probe checks the token instead.
            .authTestCacheExpirationMillis(-1)
            .build();
    this.app =
        new App(appConfig) {
          /**
           * Bolt's own default list (built when the app starts), with the auth.test answer that
           * {@link #learnIdentity} already has: Bolt would otherwise ask Slack a second time.
           * Request verification is not in it because {@link #handle} verifies first, more
           * strictly.
           */
          @Override
          protected java.util.List<com.slack.api.bolt.middleware.Middleware>
              buildDefaultMiddlewareList(AppConfig config) {
            com.slack.api.methods.response.auth.AuthTestResponse auth = startupAuth;
            if (auth == null) {
              return super.buildDefaultMiddlewareList(config);
            }
            java.util.List<com.slack.api.bolt.middleware.Middleware> list =
                new java.util.ArrayList<>();
            if (config.isSslCheckEnabled()) {
              list.add(
                  new com.slack.api.bolt.middleware.builtin.SSLCheck(
                      config.getVerificationToken()));
            }
            list.add(
                new com.slack.api.bolt.middleware.builtin.SingleTeamAuthorization(
                    config, auth, null));
            if (config.isIgnoringSelfEventsEnabled()) {
              list.add(
                  new com.slack.api.bolt.middleware.builtin.IgnoringSelfEvents(
                      config.getSlack().getConfig(),
                      config.isIgnoringSelfAssistantMessageEventsEnabled()));
            }
            return list;
          }
        };
    this.parser = new SlackRequestParser(appConfig);
  }

  /**
   * The Slack app. With {@code appToken} it takes events over Socket Mode once started; without it,
   * over {@code POST /slack/events}, verified with {@code signingSecret}.
   */
  public static SlackBot create(
      String botToken,
      Optional<String> signingSecret,
      Optional<String> appToken,
      URI apiUrl,
      Clock clock) {
    if (appToken.isEmpty() && signingSecret.isEmpty()) {
      throw new IllegalArgumentException("HTTP mode needs a signing secret");
    }
    return new SlackBot(botToken, signingSecret, appToken, apiUrl, clock);
  }

  /** Whether events arrive over Socket Mode (else over HTTP at {@code /slack/events}). */
  public boolean socketMode() {
    return appToken.isPresent();
  }

  /**
   * What keeps Slack from reaching Pitcrew, or empty when it can: in Socket Mode whether a socket
   * is live (no network call); over HTTP, whether {@code auth.test} answers (a network call, for a
   * background probe only; its first run takes {@link #problemAtStart}).
   */
  public Optional<String> problem() {
    if (socketMode()) {
      SlackSocket current = socket;
      return current != null && current.connected()
          ? Optional.empty()
          : Optional.of("no Socket Mode connection to Slack");
    }
    try {
      var answer = methods.authTest(r -> r); // once: the probe runs again soon anyway
      return answer.isOk()
          ? Optional.empty()
          : Optional.of("auth.test answered " + answer.getError());
    } catch (java.io.IOException | com.slack.api.methods.SlackApiException e) {
      return Optional.of("auth.test failed: " + e.getMessage());
    }
  }

  /**
   * The readiness probe's first answer: over HTTP, start-up's own {@code auth.test} just succeeded
   * (else start-up failed), so no second call; in Socket Mode, whether the socket is live.
   */
  public Optional<String> problemAtStart() {
    return socketMode() ? problem() : Optional.empty();
  }

  /** Socket Mode connections that said hello so far (0 over HTTP). */
  public int socketConnections() {
    SlackSocket current = socket;
    return current == null ? 0 : current.connections();
  }

  public SlackSurface surface() {
    return surface;
  }

  /** User-group membership from Slack, cached briefly. */
  public GroupDirectory groups(Clock clock) {
    return new SlackGroups(
        calls, () -> java.util.concurrent.TimeUnit.MILLISECONDS.toNanos(clock.millis()));
  }

  /** Profile emails from Slack, cached, for acting on the cluster as the requester. */
  public dev.pitcrew.bot.kube.UserDirectory users(Clock clock) {
    return new SlackUsers(
        calls,
        () -> java.util.concurrent.TimeUnit.MILLISECONDS.toNanos(clock.millis()),
        () -> Optional.ofNullable(identity).map(Identity::teamId).orElse(null));
  }

  /** Audit events to a channel, each with a link to its thread. */
  public AuditSink auditSink(String channel) {
    return new SlackAuditSink(
        calls,
        surface,
        channel,
        () -> Optional.ofNullable(identity).map(Identity::url).filter(u -> !u.isBlank()));
  }

  /** Whose app this is; learned by {@link #start} before any payload is taken. */
  public Identity identity() {
    return identity;
  }

  /**
   * Learns whose app this is (the one auth.test), then takes events: the workspace check and the
   * re-delivery filter run as Bolt middleware before the handlers, which acknowledge at once and
   * work on their executor.
   */
  public SlackBot start(
      WorkspaceCheck workspace, AskCommand ask, DecisionButtons buttons, Mentions mentions) {
    identity = learnIdentity();
    this.buttons = buttons;
    // After learnIdentity: the first use() builds Bolt's default list, with its answer.
    app.use(workspace);
    app.use(new RecentEvents());
    app.command("/ask", ask);
    DecisionButtons.ACTION_IDS.forEach(id -> app.blockAction(id, buttons));
    app.event(AppMentionEvent.class, mentions);
    try {
      // Bolt takes learnIdentity's auth.test answer here instead of asking again.
      app.start();
    } catch (RuntimeException e) {
      throw new IllegalStateException(
          "SLACK_BOT_TOKEN could not be verified with Slack at "
              + Urls.loggable(apiUrl)
              + ": "
              + e.getMessage(),
          e);
    }
    if (appToken.isPresent()) {
      socket = SlackSocket.open(slack, appToken.get(), app);
    }
    return this;
  }

  /**
   * The workspace from {@code auth.test} and the app from {@code bots.info}. Without the app ID (an
   * app installed from an older manifest lacks users:read) only the workspace is checked: the
   * signing secret and the Socket Mode token are per app anyway.
   */
  private Identity learnIdentity() {
    com.slack.api.methods.response.auth.AuthTestResponse auth;
    try {
      auth = methods.authTest(r -> r);
    } catch (java.io.IOException e) {
      // Not the token's fault: DNS, a proxy, a firewall, or SLACK_API_URL itself.
      throw new IllegalStateException(
          "could not reach Slack at "
              + Urls.loggable(apiUrl)
              + " ("
              + e.getMessage()
              + "); check the network"
              + " and SLACK_API_URL",
          e);
    } catch (com.slack.api.methods.SlackApiException e) {
      throw new IllegalStateException(
          "Slack at "
              + Urls.loggable(apiUrl)
              + " answered HTTP "
              + e.getResponse().code()
              + " to auth.test",
          e);
    }
    if (!auth.isOk()) {
      throw new IllegalStateException(
          "SLACK_BOT_TOKEN was refused by Slack at "
              + Urls.loggable(apiUrl)
              + ": "
              + auth.getError());
    }
    startupAuth = auth;
    String appId = null;
    try {
      var bot = methods.botsInfo(r -> r.bot(auth.getBotId()));
      if (bot.isOk() && bot.getBot() != null) {
        appId = bot.getBot().getAppId();
      } else {
        log.warn("bots.info answered {}: payloads are checked by workspace only", bot.getError());
      }
    } catch (java.io.IOException | com.slack.api.methods.SlackApiException e) {
      log.warn("bots.info failed ({}): payloads are checked by workspace only", e.getMessage());
    }
    return new Identity(auth.getTeamId(), appId, auth.getUrl());
  }

  /** Closes the socket, if any; HTTP requests stop with the HTTP server. */
  @Override
  public void close() {
    SlackSocket current = socket;
    if (current != null) {
      current.close();
    }
    DecisionButtons registered = buttons;
    if (registered != null) {
      registered.close();
    }
  }

  /** {@code POST /slack/events}: verify the signature, then let Bolt dispatch. */
  @Override
  public HttpReply handle(
      String method, Map<String, List<String>> headers, String query, byte[] body)
      throws Exception {
    if (verifier == null) {
      return HttpReply.text(404, "Pitcrew takes Slack events over Socket Mode");
    }
    if (!"POST".equals(method)) {
      return HttpReply.text(405, "POST only");
    }
    Optional<String> problem =
        verifier.problem(
            first(headers, "x-slack-request-timestamp"), first(headers, "x-slack-signature"), body);
    if (problem.isPresent()) {
      log.warn("rejected a request to /slack/events: {}", problem.get());
      return HttpReply.text(401, "invalid request signature");
    }
    Request<?> request =
        parser.parse(
            SlackRequestParser.HttpRequest.builder()
                .requestUri("/slack/events")
                .queryString(Map.of())
                .headers(new RequestHeaders(headers))
                .requestBody(new String(body, StandardCharsets.UTF_8))
                .build());
    if (request == null) {
      return HttpReply.text(400, "not a Slack request this app handles");
    }
    Response response = app.run(request);
    Map<String, String> extra = new java.util.LinkedHashMap<>();
    if (response.getHeaders() != null) {
      response.getHeaders().forEach((k, v) -> extra.put(k, String.join(",", v)));
    }
    return new HttpReply(
        response.getStatusCode(), response.getContentType(), response.getBody(), extra);
  }

  private static String first(Map<String, List<String>> headers, String name) {
    List<String> values = headers.get(name);
    return values == null || values.isEmpty() ? null : values.get(0);
  }
}
