package dev.pitcrew.bot.slack;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLGenerator;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import java.net.URI;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeSet;

/**
 * The Slack app manifest for exactly what Pitcrew uses: the {@code /ask} command, interactivity for
 * the approval buttons, the {@code app_mention} event, and a bot scope for every Web API method the
 * code calls ({@link #SCOPES}; a test keeps that table and the code in step).
 */
public final class SlackManifest {
  /** The command people type. */
  public static final String COMMAND = "/ask";

  /**
   * Every Web API method Pitcrew calls with the bot token, and the bot scopes it needs (none for
   * some). {@code apps.connections.open} is called with the app-level token, whose {@code
   * connections:write} scope is chosen when the token is made, not in the manifest. A thread's
   * history is read back for a follow-up or the model's summary after a change (the conversation
   * lives in the thread, not in one replica), and a thread's or channel's history after a lost
   * answer, to check whether a message already landed (its metadata carries Pitcrew's key).
   */
  public static final Map<String, List<String>> SCOPES =
      Map.ofEntries(
          Map.entry("auth.test", List.of()),
          Map.entry("chat.postMessage", List.of("chat:write")),
          Map.entry("chat.postEphemeral", List.of("chat:write")),
          Map.entry("chat.update", List.of("chat:write")),
          Map.entry("chat.getPermalink", List.of()),
          Map.entry("usergroups.users.list", List.of("usergroups:read")),
          Map.entry("bots.info", List.of("users:read")),
          // Only with kubernetes.identity: requester, to map a requester to their email.
          Map.entry("users.info", List.of("users:read", "users:read.email")),
          Map.entry("conversations.replies", List.of("channels:history", "groups:history")),
          Map.entry("conversations.history", List.of("channels:history", "groups:history")),
          Map.entry("apps.connections.open", List.of()));

  /** Scopes for what Slack sends rather than what Pitcrew calls. */
  private static final Map<String, String> INBOUND_SCOPES =
      Map.of("slash command " + COMMAND, "commands", "event app_mention", "app_mentions:read");

  private static final YAMLMapper YAML =
      new YAMLMapper(
          YAMLFactory.builder()
              .disable(YAMLGenerator.Feature.WRITE_DOC_START_MARKER)
              .enable(YAMLGenerator.Feature.MINIMIZE_QUOTES)
              .build());

  private SlackManifest() {}

  /** Bot scopes the manifest requests, sorted. */
  public static TreeSet<String> botScopes() {
    TreeSet<String> scopes = new TreeSet<>();
    SCOPES.values().forEach(scopes::addAll);
    scopes.addAll(INBOUND_SCOPES.values());
    return scopes;
  }

  /**
   * The manifest as YAML: Socket Mode when {@code requestUrl} is empty, else HTTP with every
   * request URL set to it (Pitcrew's {@code /slack/events}).
   */
  public static String yaml(Optional<URI> requestUrl) {
    JsonNodeFactory f = JsonNodeFactory.instance;
    ObjectNode root = f.objectNode();
    root.putObject("display_information")
        .put("name", "Pitcrew")
        .put(
            "description",
            "Diagnoses Kubernetes incidents and runs approved remediations from Slack")
        .put("background_color", "#1d3557");
    ObjectNode features = root.putObject("features");
    features.putObject("bot_user").put("display_name", "pitcrew").put("always_online", true);
    ObjectNode command = features.putArray("slash_commands").addObject();
    command.put("command", COMMAND);
    requestUrl.ifPresent(url -> command.put("url", url.toString()));
    command
        .put("description", "Ask Pitcrew about the cluster, or run a runbook")
        .put("usage_hint", "why is checkout crashlooping in shop? | run <runbook> key=value")
        .put("should_escape", false);
    ArrayNode bot = root.putObject("oauth_config").putObject("scopes").putArray("bot");
    botScopes().forEach(bot::add);
    ObjectNode settings = root.putObject("settings");
    ObjectNode events = settings.putObject("event_subscriptions");
    requestUrl.ifPresent(url -> events.put("request_url", url.toString()));
    events.putArray("bot_events").add("app_mention");
    ObjectNode interactivity = settings.putObject("interactivity").put("is_enabled", true);
    requestUrl.ifPresent(url -> interactivity.put("request_url", url.toString()));
    settings
        .put("org_deploy_enabled", false)
        .put("socket_mode_enabled", requestUrl.isEmpty())
        .put("token_rotation_enabled", false);
    try {
      return YAML.writeValueAsString(root);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("cannot write the Slack manifest", e);
    }
  }
}
