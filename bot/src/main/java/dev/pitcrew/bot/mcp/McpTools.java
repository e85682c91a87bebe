package dev.pitcrew.bot.mcp;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.pitcrew.approvals.ApprovalRequest;
import dev.pitcrew.approvals.Approvals;
import dev.pitcrew.approvals.McpPolicy;
import dev.pitcrew.bot.audit.Audit;
import dev.pitcrew.bot.audit.AuditEvent;
import dev.pitcrew.bot.core.Ask;
import dev.pitcrew.bot.core.ToolResult;
import dev.pitcrew.bot.core.ToolRunner;
import dev.pitcrew.bot.core.Usage;
import dev.pitcrew.remediations.Risk;
import dev.pitcrew.runbooks.Runbook;
import dev.pitcrew.runbooks.RunbookCatalog;
import io.modelcontextprotocol.common.McpTransportContext;
import io.modelcontextprotocol.json.McpJsonMapper;
import io.modelcontextprotocol.json.jackson2.JacksonMcpJsonMapper;
import io.modelcontextprotocol.server.McpServer;
import io.modelcontextprotocol.server.McpStatelessServerFeatures;
import io.modelcontextprotocol.server.McpStatelessSyncServer;
import io.modelcontextprotocol.spec.McpSchema;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Pitcrew's runbooks as MCP tools, through the one path every call takes ({@link ToolRunner}): the
 * same names, descriptions and schemas the model gets, read-only ones run at once, mutating ones
 * become the usual approval card and the call returns with its ID. A client acts for one person,
 * who is the requester for every rule; it sees only the runbooks that person may use. Nothing here
 * approves: the only other tool, {@code approval_status}, reads.
 */
public final class McpTools {
  static final String STATUS = "approval_status";

  /** Opens the thread an MCP call's messages and card go to; null where there are no threads. */
  @FunctionalInterface
  public interface Threads {
    String open(String channel, String requester, String text, String correlationId);
  }

  /** Whether the person may ask at all (the policy's {@code ask:}), or why not. */
  @FunctionalInterface
  public interface Gate {
    Optional<String> refusal(String channel, String user, String correlationId);
  }

  private static final ObjectMapper JSON = new ObjectMapper();

  private final RunbookCatalog catalog;
  private final ToolRunner tools;
  private final Approvals approvals;
  private final Audit audit;
  private final String channel;
  private final Threads threads;
  private final Gate gate;
  private final Usage usage;

  public McpTools(
      RunbookCatalog catalog,
      ToolRunner tools,
      Approvals approvals,
      Audit audit,
      String channel,
      Threads threads,
      Gate gate,
      Usage usage) {
    this.catalog = catalog;
    this.tools = tools;
    this.approvals = approvals;
    this.audit = audit;
    this.channel = channel;
    this.threads = threads;
    this.gate = gate;
    this.usage = usage;
  }

  /** The MCP server behind {@code endpoint}: tools for every runbook, each caller sees its own. */
  public static McpStatelessSyncServer serve(McpEndpoint endpoint, McpTools tools, String version) {
    List<McpStatelessServerFeatures.SyncToolSpecification> specs = new ArrayList<>();
    for (Runbook runbook : tools.catalog.runbooks()) {
      specs.add(
          new McpStatelessServerFeatures.SyncToolSpecification(
              tool(runbook), (context, call) -> tools.call(context, runbook, call)));
    }
    specs.add(
        new McpStatelessServerFeatures.SyncToolSpecification(
            statusTool(), (context, call) -> tools.status(context, call)));
    return McpServer.sync(endpoint)
        .serverInfo("pitcrew", version)
        .jsonMapper(mapper())
        .capabilities(McpSchema.ServerCapabilities.builder().tools(false).build())
        .immediateExecution(true)
        .addToolFilter((context, tool) -> tools.visible(context, tool.name()))
        .tools(specs)
        .build();
  }

  /** The JSON mapper the endpoint and the server share. */
  public static McpJsonMapper mapper() {
    return new JacksonMcpJsonMapper(new ObjectMapper());
  }

  private static McpSchema.Tool tool(Runbook runbook) {
    var spec = runbook.toolSpec();
    boolean read = runbook.risk() == Risk.READ;
    @SuppressWarnings("unchecked")
    Map<String, Object> schema = JSON.convertValue(spec.parameters(), Map.class);
    return McpSchema.Tool.builder()
        .name(runbook.name())
        .description(
            runbook.description()
                + (read
                    ? ""
                    : "\nMutating: the call never changes anything itself. It posts an approval"
                        + " card for a person to decide and returns its ID; follow it with "
                        + STATUS
                        + "."))
        .inputSchema(schema)
        .annotations(
            McpSchema.ToolAnnotations.builder().readOnlyHint(read).destructiveHint(!read).build())
        .build();
  }

  private static McpSchema.Tool statusTool() {
    return McpSchema.Tool.builder()
        .name(STATUS)
        .description(
            "Where an approval request of yours stands: pending, approved, denied, expired, done,"
                + " failed or unknown, with the outcome once it ran.")
        .inputSchema(
            Map.of(
                "type",
                "object",
                "additionalProperties",
                false,
                "required",
                List.of("id"),
                "properties",
                Map.of(
                    "id",
                    Map.of(
                        "type",
                        "string",
                        "pattern",
                        "^apr-[A-Za-z0-9-]{1,64}$",
                        "description",
                        "The approval ID a mutating call returned"))))
        .annotations(
            McpSchema.ToolAnnotations.builder().readOnlyHint(true).destructiveHint(false).build())
        .build();
  }

  private static McpPolicy.Client client(McpTransportContext context) {
    return (McpPolicy.Client) context.get(McpEndpoint.CLIENT);
  }

  private boolean visible(McpTransportContext context, String tool) {
    return tool.equals(STATUS) || tools.offers(client(context).as(), tool);
  }

  private McpSchema.CallToolResult call(
      McpTransportContext context, Runbook runbook, McpSchema.CallToolRequest call) {
    McpPolicy.Client client = client(context);
    String correlationId = Ask.newCorrelationId();
    String arguments;
    try {
      arguments = JSON.writeValueAsString(call.arguments() == null ? Map.of() : call.arguments());
    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
      return error("the arguments are not JSON: " + e.getOriginalMessage());
    }
    String what =
        "via MCP, client "
            + client.name()
            + ": "
            + runbook.name()
            + " "
            + ToolRunner.truncate(arguments, 500);
    Optional<String> refused = gate.refusal(channel, client.as(), correlationId);
    if (refused.isPresent()) {
      return error("Refused: " + refused.get() + " (correlation ID " + correlationId + ")");
    }
    // The person's hourly budget counts every way they ask: Slack, the shell, their agents.
    Optional<String> over = usage.ask(client.as());
    if (over.isPresent()) {
      audit.record(
          AuditEvent.Type.ASK_REFUSED,
          correlationId,
          client.as(),
          what + ": " + over.get(),
          channel,
          null);
      return error("Not taken: " + over.get() + " (correlation ID " + correlationId + ")");
    }
    if (!tools.offers(client.as(), runbook.name())) {
      audit.record(AuditEvent.Type.ASK_REFUSED, correlationId, client.as(), what, channel, null);
      return error(runbook.name() + " is not a tool you may use");
    }
    // A change gets a thread of its own, where its card waits for a person; a read needs none.
    String thread = null;
    if (runbook.risk() == Risk.MUTATE) {
      try {
        thread = threads.open(channel, client.as(), what, correlationId);
      } catch (RuntimeException e) {
        audit.record(AuditEvent.Type.ASKED, correlationId, client.as(), what, channel, null);
        return error(
            "Not proposed: the thread for its card could not be opened in channel "
                + channel
                + " ("
                + e.getMessage()
                + "); nothing was changed (correlation ID "
                + correlationId
                + ")");
      }
    }
    Ask ask = new Ask(correlationId, client.as(), channel, thread, client.name());
    audit.record(AuditEvent.Type.ASKED, correlationId, client.as(), what, channel, thread);
    ToolResult result = tools.run(ask, runbook.name(), arguments);
    String text = result.text() + "\n(correlation ID " + correlationId + ")";
    return switch (result.kind()) {
      case CLUSTER_OUTPUT -> McpSchema.CallToolResult.builder().addTextContent(text).build();
      case APPROVAL_REQUESTED ->
          McpSchema.CallToolResult.builder()
              .addTextContent(
                  text
                      + "\nThe card waits in channel "
                      + channel
                      + " for an approver. Ask "
                      + STATUS
                      + " with this approval ID to learn what happened.")
              .build();
      case ERROR, NOT_PROPOSED -> error(text);
    };
  }

  private McpSchema.CallToolResult status(
      McpTransportContext context, McpSchema.CallToolRequest call) {
    McpPolicy.Client client = client(context);
    Object id = call.arguments() == null ? null : call.arguments().get("id");
    audit.record(
        AuditEvent.Type.ASKED,
        Ask.newCorrelationId(),
        client.as(),
        "via MCP, client "
            + client.name()
            + ": "
            + STATUS
            + " "
            + ToolRunner.truncate(String.valueOf(id), 80),
        channel,
        null);
    Optional<ApprovalRequest> request =
        id instanceof String s ? approvals.find(s) : Optional.empty();
    // Only the requests made for this client's person: another's ID is as unknown as a made-up one.
    if (request.isEmpty() || !request.get().requester().equals(client.as())) {
      return McpSchema.CallToolResult.builder()
          .addTextContent("unknown: no approval request " + id + " of yours")
          .build();
    }
    ApprovalRequest r = request.get();
    String state =
        switch (r.state()) {
          case PENDING -> "pending";
          case APPROVED, EXECUTING -> "approved";
          case DENIED -> "denied";
          case EXPIRED -> "expired";
          case SUCCEEDED -> "done";
          case FAILED, STALE, CANCELLED -> "failed";
          case UNKNOWN -> "unknown";
        };
    return McpSchema.CallToolResult.builder()
        .addTextContent(
            state
                + ": "
                + r.id()
                + " "
                + r.runbook()
                + " ("
                + r.state().name().toLowerCase(java.util.Locale.ROOT)
                + ")"
                + (r.result() == null ? "" : ". " + r.result()))
        .build();
  }

  private static McpSchema.CallToolResult error(String text) {
    return McpSchema.CallToolResult.builder().addTextContent(text).isError(true).build();
  }
}
