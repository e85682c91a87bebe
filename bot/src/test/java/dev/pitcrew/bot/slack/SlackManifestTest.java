package dev.pitcrew.bot.slack;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import com.slack.api.methods.Methods;
import java.io.IOException;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/** Keeps the Slack app manifest and the code honest with each other. */
class SlackManifestTest {
  private static final YAMLMapper YAML = new YAMLMapper();
  private static final Pattern METHOD_CALL =
      Pattern.compile("(?:\\bmethods|\\.methods\\(\\))\\s*\\.\\s*([a-z][A-Za-z]*)\\(");

  @Test
  void everyWebApiMethodTheCodeCallsHasItsScopeInTheManifest() throws Exception {
    Set<String> called = webApiMethodsCalledInMainCode();
    // The scan itself works: it finds calls made both ways the code makes them.
    assertThat(called)
        .contains(
            "chat.postMessage",
            "chat.update",
            "chat.postEphemeral",
            "usergroups.users.list",
            "conversations.replies");

    JsonNode manifest = YAML.readTree(SlackManifest.yaml(Optional.empty()));
    Set<String> requested = new TreeSet<>();
    manifest
        .path("oauth_config")
        .path("scopes")
        .path("bot")
        .forEach(s -> requested.add(s.asText()));
    for (String method : called) {
      assertThat(SlackManifest.SCOPES)
          .as("the scope table names %s, which the code calls", method)
          .containsKey(method);
      assertThat(requested)
          .as("scopes of %s", method)
          .containsAll(SlackManifest.SCOPES.get(method));
    }
    // Nothing requested that nothing uses: least privilege for the bot token too.
    Set<String> used = new TreeSet<>(Set.of("commands", "app_mentions:read"));
    called.stream().map(SlackManifest.SCOPES::get).forEach(used::addAll);
    assertThat(requested).isEqualTo(used);
  }

  @Test
  void socketModeManifestHasNoRequestUrls() throws Exception {
    JsonNode manifest = YAML.readTree(SlackManifest.yaml(Optional.empty()));

    assertThat(manifest.path("settings").path("socket_mode_enabled").asBoolean()).isTrue();
    assertThat(manifest.findValues("request_url")).isEmpty();
    assertThat(manifest.findValues("url")).isEmpty();
    assertThat(manifest.path("features").path("slash_commands").get(0).path("command").asText())
        .isEqualTo("/ask");
    assertThat(manifest.path("settings").path("event_subscriptions").path("bot_events"))
        .extracting(JsonNode::asText)
        .containsExactly("app_mention");
    assertThat(manifest.path("settings").path("interactivity").path("is_enabled").asBoolean())
        .isTrue();
  }

  @Test
  void httpManifestPointsEveryRequestAtTheEventsUrl() throws Exception {
    URI url = URI.create("https://pitcrew.example.com/slack/events");
    JsonNode manifest = YAML.readTree(SlackManifest.yaml(Optional.of(url)));

    assertThat(manifest.path("settings").path("socket_mode_enabled").asBoolean()).isFalse();
    assertThat(manifest.path("settings").path("event_subscriptions").path("request_url").asText())
        .isEqualTo(url.toString());
    assertThat(manifest.path("settings").path("interactivity").path("request_url").asText())
        .isEqualTo(url.toString());
    assertThat(manifest.path("features").path("slash_commands").get(0).path("url").asText())
        .isEqualTo(url.toString());
  }

  /**
   * {@code methods.chatPostMessage(} or {@code calls.methods().chatUpdate(} in the bot's sources,
   * mapped to {@code chat.postMessage} through the SDK's own {@link Methods} constants
   * (CHAT_POST_MESSAGE).
   */
  static Set<String> webApiMethodsCalledInMainCode() throws IOException, IllegalAccessException {
    Set<String> javaNames = new TreeSet<>();
    try (Stream<Path> files = Files.walk(Path.of("src/main/java"))) {
      for (Path file : files.filter(f -> f.toString().endsWith(".java")).toList()) {
        Matcher m = METHOD_CALL.matcher(Files.readString(file));
        while (m.find()) {
          javaNames.add(m.group(1));
        }
      }
    }
    Set<String> methods = new TreeSet<>();
    for (String javaName : javaNames) {
      String constant = javaName.replaceAll("([a-z0-9])([A-Z])", "$1_$2").toUpperCase(Locale.ROOT);
      Field field;
      try {
        field = Methods.class.getField(constant);
      } catch (NoSuchFieldException e) {
        throw new AssertionError("methods." + javaName + " is not a Slack Web API method", e);
      }
      assertThat(Modifier.isStatic(field.getModifiers())).isTrue();
      methods.add((String) field.get(null));
    }
    return methods;
  }
}
