package dev.pitcrew.bot.testing;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A local stand-in for the Slack Web API that records every call. It answers like Slack for the
 * methods Pitcrew uses; it does not check scopes, channel membership or Block Kit validity.
 */
public final class FakeSlack implements AutoCloseable {
  private static final ObjectMapper JSON = new ObjectMapper();

  /**
   * One Web API call: the method name, its parameters (form or JSON), and the message timestamp the
   * fake answered with (for chat.postMessage), else empty.
   */
  public record Call(String method, Map<String, String> params, String ts) {
    public String param(String name) {
      return params.getOrDefault(name, "");
    }

    /** Everything the call sent, for "contains" checks. */
    public String all() {
      return String.join("\n", params.values());
    }
  }

  private final AtomicLong ts = new AtomicLong(1_700_000_000_000_100L);

  /** A message a person wrote in a thread (Slack stores it; Pitcrew learns of it by an event). */
  private record Written(String channel, String thread, String user, String text, String ts) {}

  private final List<Written> written = new CopyOnWriteArrayList<>();

  /**
   * A person writes {@code text} in a thread, as Slack would store it: {@code
   * conversations.replies} returns it from now on. Returns its timestamp, for the {@code
   * app_mention} event to name.
   */
  public String personWrites(String channel, String thread, String user, String text) {
    String at = nextTs();
    written.add(new Written(channel, thread, user, text, at));
    return at;
  }

  private final Map<String, List<String>> groups = new java.util.concurrent.ConcurrentHashMap<>();
  private final List<Call> calls = new CopyOnWriteArrayList<>();
  private final RecordingHttpServer server;
  private final List<Scripted> faults = new CopyOnWriteArrayList<>();

  /** Faults waiting for the calls they match. */
  private record Scripted(
      String method, java.util.function.Predicate<Call> which, java.util.Deque<Fault> next) {}

  /** How a Web API call can go wrong, the ways Slack's really do. */
  public enum Fault {
    /** HTTP 429 with {@code Retry-After: 1}; nothing done. */
    RATE_LIMITED,
    /** HTTP 500; nothing done. */
    SERVER_ERROR,
    /** The connection drops before the call is carried out. */
    RESET_BEFORE,
    /** The call is carried out (a message is stored), then the connection drops: no answer. */
    RESET_AFTER
  }

  /** The next calls of {@code method} meet these faults, one each, in order. */
  public void fail(String method, Fault... next) {
    fail(method, c -> true, next);
  }

  /** The next calls of {@code method} that {@code which} matches meet these faults, in order. */
  public void fail(String method, java.util.function.Predicate<Call> which, Fault... next) {
    faults.add(
        new Scripted(
            method, which, new java.util.concurrent.ConcurrentLinkedDeque<>(List.of(next))));
  }

  /** Every request that reached the fake, faults included, by method name. */
  public long attempts(String method) {
    return server.received().stream().filter(r -> r.path().endsWith("/" + method)).count();
  }

  private volatile String socketUrl = "ws://127.0.0.1:9/unset";
  private volatile CountDownLatch held = new CountDownLatch(0);

  public FakeSlack() throws IOException {
    this(java.time.Duration.ZERO);
  }

  /** A Web API that answers every call {@code latency} after it arrived (Slack's is ~100 ms). */
  public FakeSlack(java.time.Duration latency) throws IOException {
    server = new RecordingHttpServer(this::answer, latency);
  }

  private volatile java.util.function.Consumer<Call> listener = c -> {};

  /** Told of every call as it is recorded, on the fake's thread (for benchmarks). */
  public void onCall(java.util.function.Consumer<Call> listener) {
    this.listener = listener;
  }

  /** For SLACK_API_URL. */
  public String apiUrl() {
    return server.url() + "/api/";
  }

  /** Approval cards posted (messages with an Approve button), oldest first. */
  public List<Call> cards() {
    return calls("chat.postMessage").stream()
        .filter(c -> c.param("blocks").contains("approval_approve"))
        .toList();
  }

  /** The timestamp of the root message that opened the thread of {@code correlationId}. */
  public String rootTs(String channel, String correlationId) {
    return calls("chat.postMessage").stream()
        .filter(c -> c.param("channel").equals(channel) && c.param("thread_ts").isEmpty())
        .filter(c -> c.all().contains(correlationId))
        .findFirst()
        .map(Call::ts)
        .orElseThrow(() -> new AssertionError("no thread for " + correlationId));
  }

  /** Messages posted in that thread. */
  public List<Call> thread(String channel, String correlationId) {
    String root = rootTs(channel, correlationId);
    return calls("chat.postMessage").stream()
        .filter(c -> c.param("thread_ts").equals(root))
        .toList();
  }

  /** Every ephemeral text shown to {@code user}, one per line. */
  public String ephemeralTo(String user) {
    return calls("chat.postEphemeral").stream()
        .filter(c -> c.param("user").equals(user))
        .map(c -> c.param("text"))
        .reduce("", (a, b) -> a + "\n" + b);
  }

  /** Audit-channel lines about {@code correlationId} that contain {@code step}. */
  public List<String> auditLines(String auditChannel, String correlationId, String step) {
    // One message may carry several events, a line each.
    return calls("chat.postMessage").stream()
        .filter(c -> c.param("channel").equals(auditChannel))
        .flatMap(c -> c.param("text").lines())
        .filter(t -> t.contains(correlationId) && t.contains(step))
        .toList();
  }

  /** The value of the button {@code actionId} on a card. */
  public static String button(Call card, String actionId) {
    try {
      for (var element : JSON.readTree(card.param("blocks")).findParents("action_id")) {
        if (element.path("action_id").asText().equals(actionId)) {
          return element.path("value").asText();
        }
      }
    } catch (IOException e) {
      throw new AssertionError("blocks are not JSON: " + card.param("blocks"), e);
    }
    throw new AssertionError("no button " + actionId + " in " + card.param("blocks"));
  }

  /** What apps.connections.open answers: a fake Socket Mode server's URL. */
  public void socketUrl(String url) {
    this.socketUrl = url;
  }

  /**
   * Holds every Web API call but auth.test and apps.connections.open unanswered until the returned
   * handle is closed: proof that something does not wait on the Web API.
   */
  public AutoCloseable hold() {
    CountDownLatch gate = new CountDownLatch(1);
    held = gate;
    return gate::countDown;
  }

  /** Answers usergroups.users.list for {@code group} with these members. */
  public void group(String group, String... members) {
    groups.put(group, List.of(members));
  }

  public List<Call> calls() {
    return List.copyOf(calls);
  }

  public List<Call> calls(String method) {
    return calls().stream().filter(c -> c.method().equals(method)).toList();
  }

  private RecordingHttpServer.Answer answer(RecordingHttpServer.Received r) {
    if (!r.path().endsWith("/auth.test") && !r.path().endsWith("/apps.connections.open")) {
      try {
        if (!held.await(30, TimeUnit.SECONDS)) {
          throw new AssertionError("a held Web API call was never released");
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
    Call call = parse(r);
    Fault fault = null;
    for (Scripted s : faults) {
      if (s.method().equals(call.method()) && s.which().test(call)) {
        fault = s.next().poll();
        if (fault != null) {
          break;
        }
      }
    }
    if (fault == null) {
      return answerNow(r);
    }
    return switch (fault) {
      case RATE_LIMITED ->
          new RecordingHttpServer.Answer(
              429, "{\"ok\":false,\"error\":\"ratelimited\"}", Map.of("Retry-After", "1"));
      case SERVER_ERROR ->
          new RecordingHttpServer.Answer(500, "{\"ok\":false,\"error\":\"internal_error\"}");
      case RESET_BEFORE -> RecordingHttpServer.Answer.drop();
      case RESET_AFTER -> {
        answerNow(r); // carried out and recorded; the answer is lost on the way back
        yield RecordingHttpServer.Answer.drop();
      }
    };
  }

  private synchronized RecordingHttpServer.Answer answerNow(RecordingHttpServer.Received r) {
    Call call = parse(r);
    ObjectNode body = JSON.createObjectNode().put("ok", true);
    String given = "";
    switch (call.method()) {
      case "auth.test" ->
          body.put("url", "https://pitcrew-test.slack.com/")
              .put("team", "Test")
              .put("user", "pitcrew")
              .put("team_id", "T1")
              .put("user_id", "UBOT")
              .put("bot_id", "BBOT");
      case "chat.postMessage" -> {
        String next = nextTs();
        given = next;
        body.put("channel", call.param("channel")).put("ts", next);
        body.putObject("message").put("ts", next).put("text", call.param("text"));
      }
      case "apps.connections.open" -> body.put("url", socketUrl);
      case "users.info" -> {
        // UFOREIGN...: of another workspace; UUNCONFIRMED...: an email Slack has not confirmed.
        var user = body.putObject("user").put("id", call.param("user"));
        user.put("team_id", call.param("user").startsWith("UFOREIGN") ? "T2" : "T1");
        user.put("is_email_confirmed", !call.param("user").startsWith("UUNCONFIRMED"));
        var profile = user.putObject("profile");
        if (!call.param("user").startsWith("UNOEMAIL")) {
          profile.put(
              "email",
              call.param("user").substring(1).toLowerCase(java.util.Locale.ROOT) + "@example.com");
        }
      }
      case "bots.info" ->
          body.putObject("bot")
              .put("id", call.param("bot"))
              .put("app_id", "A1")
              .put("name", "pitcrew");
      case "conversations.replies" -> {
        List<ObjectNode> thread = new java.util.ArrayList<>();
        for (Call c : calls("chat.postMessage")) {
          boolean inThread =
              c.param("channel").equals(call.param("channel"))
                  && (c.ts().equals(call.param("ts"))
                      || c.param("thread_ts").equals(call.param("ts")));
          if (inThread) {
            thread.add(message(c));
          }
        }
        for (Written w : written) {
          if (w.channel().equals(call.param("channel")) && w.thread().equals(call.param("ts"))) {
            thread.add(
                JSON.createObjectNode()
                    .put("type", "message")
                    .put("ts", w.ts())
                    .put("thread_ts", w.thread())
                    .put("user", w.user())
                    .put("text", w.text()));
          }
        }
        // Oldest first, as Slack answers; the fake never pages.
        thread.sort(
            java.util.Comparator.comparing(m -> new java.math.BigDecimal(m.path("ts").asText())));
        body.putArray("messages").addAll(thread);
      }
      case "conversations.history" -> {
        var messages = body.putArray("messages");
        List<Call> posted = new java.util.ArrayList<>(calls("chat.postMessage"));
        java.util.Collections.reverse(posted); // newest first, as Slack answers
        for (Call c : posted) {
          if (c.param("channel").equals(call.param("channel")) && c.param("thread_ts").isEmpty()) {
            messages.add(message(c));
          }
        }
      }
      case "chat.update" -> body.put("channel", call.param("channel")).put("ts", call.param("ts"));
      case "chat.postEphemeral" -> body.put("message_ts", nextTs());
      case "chat.getPermalink" ->
          body.put("channel", call.param("channel"))
              .put(
                  "permalink",
                  "https://pitcrew-test.slack.com/archives/"
                      + call.param("channel")
                      + "/p"
                      + call.param("message_ts").replace(".", ""));
      case "usergroups.users.list" -> {
        List<String> members = groups.get(call.param("usergroup"));
        if (members == null) {
          body.put("ok", false).put("error", "no_such_subteam");
        } else {
          var users = body.putArray("users");
          members.forEach(users::add);
        }
      }
      default -> {}
    }
    Call recorded = new Call(call.method(), call.params(), given);
    calls.add(recorded);
    listener.accept(recorded);
    return new RecordingHttpServer.Answer(200, body.toString());
  }

  /** A stored message as conversations.* return it, with its metadata. */
  private static ObjectNode message(Call c) {
    ObjectNode m = JSON.createObjectNode().put("type", "message").put("ts", c.ts());
    m.put("text", c.param("text")).put("user", "UBOT").put("bot_id", "BBOT");
    if (!c.param("thread_ts").isEmpty()) {
      m.put("thread_ts", c.param("thread_ts"));
    }
    if (!c.param("metadata").isEmpty()) {
      try {
        m.set("metadata", JSON.readTree(c.param("metadata")));
      } catch (IOException e) {
        throw new AssertionError("metadata that is not JSON: " + c.param("metadata"), e);
      }
    }
    return m;
  }

  private String nextTs() {
    long n = ts.incrementAndGet();
    return (n / 1_000_000) + "." + String.format(java.util.Locale.ROOT, "%06d", n % 1_000_000);
  }

  private static Call parse(RecordingHttpServer.Received r) {
    String method = r.path().substring(r.path().lastIndexOf('/') + 1);
    Map<String, String> params = new LinkedHashMap<>();
    if (r.contentType() != null && r.contentType().startsWith("application/json")) {
      try {
        JSON.readTree(r.body())
            .fields()
            .forEachRemaining(
                e ->
                    params.put(
                        e.getKey(),
                        e.getValue().isTextual()
                            ? e.getValue().asText()
                            : e.getValue().toString()));
      } catch (IOException e) {
        params.put("_unparsed", r.body());
      }
    } else if (!r.body().isEmpty()) {
      for (String pair : r.body().split("&")) {
        int eq = pair.indexOf('=');
        String key = eq < 0 ? pair : pair.substring(0, eq);
        String value = eq < 0 ? "" : pair.substring(eq + 1);
        params.put(
            URLDecoder.decode(key, StandardCharsets.UTF_8),
            normalize(URLDecoder.decode(value, StandardCharsets.UTF_8)));
      }
    }
    return new Call(method, params, "");
  }

  /** The Slack SDK's Gson writes {@code <} as {@code \\u003c}; re-serialize JSON plainly. */
  private static String normalize(String value) {
    if (!value.startsWith("[") && !value.startsWith("{")) {
      return value;
    }
    try {
      return JSON.readTree(value).toString();
    } catch (IOException e) {
      return value;
    }
  }

  @Override
  public void close() {
    server.close();
  }
}
