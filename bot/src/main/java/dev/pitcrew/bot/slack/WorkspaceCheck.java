package dev.pitcrew.bot.slack;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.slack.api.bolt.middleware.Middleware;
import com.slack.api.bolt.middleware.MiddlewareChain;
import com.slack.api.bolt.request.Request;
import com.slack.api.bolt.request.builtin.BlockActionRequest;
import com.slack.api.bolt.request.builtin.EventRequest;
import com.slack.api.bolt.request.builtin.SlashCommandRequest;
import com.slack.api.bolt.response.Response;
import java.util.Optional;
import java.util.Set;
import java.util.function.Consumer;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Bolt middleware: a payload that names another app, or a workspace that is neither this one nor
 * one the policy lists ({@code ask.teams}: Slack Connect channels, org-wide installs), is
 * acknowledged and dropped before any handler sees it, and counted.
 */
public final class WorkspaceCheck implements Middleware {
  private static final Logger log = LoggerFactory.getLogger(WorkspaceCheck.class);
  private static final ObjectMapper JSON = new ObjectMapper();

  private final Supplier<SlackBot.Identity> own;
  private final Set<String> otherWorkspaces;
  private final Consumer<String> refused;

  /**
   * @param own whose app this is, learned at start-up
   * @param otherWorkspaces team IDs whose people may use Pitcrew besides its own
   * @param refused told the kind of each refused payload (command, click, mention)
   */
  public WorkspaceCheck(
      Supplier<SlackBot.Identity> own, Set<String> otherWorkspaces, Consumer<String> refused) {
    this.own = own;
    this.otherWorkspaces = otherWorkspaces;
    this.refused = refused;
  }

  @Override
  public Response apply(Request req, Response resp, MiddlewareChain chain) throws Exception {
    if (req instanceof SlashCommandRequest command) {
      var p = command.getPayload();
      if (foreign("command", p.getApiAppId(), p.getTeamId()).isPresent()) {
        return command.getContext().ack("Pitcrew takes requests only from its own workspace.");
      }
    } else if (req instanceof BlockActionRequest click) {
      var p = click.getPayload();
      if (foreign(
              "click",
              p.getApiAppId(),
              p.getTeam() == null ? null : p.getTeam().getId(),
              p.getUser() == null ? null : p.getUser().getTeamId())
          .isPresent()) {
        return Response.ok();
      }
    } else if (req instanceof EventRequest event) {
      JsonNode body = JSON.readTree(event.getRequestBodyAsString());
      JsonNode inner = body.path("event");
      if (foreign(
              "mention",
              text(body, "api_app_id"),
              text(body, "team_id"),
              text(inner, "user_team"),
              text(inner, "source_team"))
          .isPresent()) {
        return Response.ok();
      }
    }
    return chain.next(req);
  }

  private static String text(JsonNode node, String field) {
    JsonNode value = node.get(field);
    return value == null || value.isNull() ? null : value.asText();
  }

  /** Why a payload is not for this Pitcrew, if it is not. */
  private Optional<String> foreign(String kind, String appId, String... teams) {
    SlackBot.Identity identity = own.get();
    Optional<String> why = Optional.empty();
    if (identity.appId() != null && appId != null && !identity.appId().equals(appId)) {
      why = Optional.of("app " + appId + " is not Pitcrew's (" + identity.appId() + ")");
    } else {
      for (String team : teams) {
        if (team != null
            && !team.isEmpty()
            && !team.equals(identity.teamId())
            && !otherWorkspaces.contains(team)) {
          why =
              Optional.of(
                  "workspace "
                      + team
                      + " is not "
                      + identity.teamId()
                      + " nor listed in ask.teams");
          break;
        }
      }
    }
    why.ifPresent(
        w -> {
          log.warn("refused a {} from outside: {}", kind, w);
          refused.accept(kind);
        });
    return why;
  }
}
