package dev.pitcrew.bot.testing;

import io.modelcontextprotocol.client.McpClient;
import io.modelcontextprotocol.client.McpSyncClient;
import io.modelcontextprotocol.client.transport.HttpClientStreamableHttpTransport;
import io.modelcontextprotocol.spec.McpSchema;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/** An agent as the MCP SDK's own client makes one: Streamable HTTP, a bearer token, sync calls. */
public final class McpAgent implements AutoCloseable {
  private final McpSyncClient client;

  private McpAgent(McpSyncClient client) {
    this.client = client;
  }

  /** Connected and initialized to {@code baseUrl}'s {@code /mcp}, with {@code token}. */
  public static McpAgent connect(String baseUrl, String token) {
    McpSyncClient client =
        McpClient.sync(
                HttpClientStreamableHttpTransport.builder(baseUrl)
                    .endpoint("/mcp")
                    .httpRequestCustomizer(
                        (request, method, uri, body, context) ->
                            request.header("Authorization", "Bearer " + token))
                    .build())
            .requestTimeout(Duration.ofSeconds(20))
            .build();
    client.initialize();
    return new McpAgent(client);
  }

  public List<McpSchema.Tool> tools() {
    return client.listTools().tools();
  }

  public McpSchema.CallToolResult call(String tool, Map<String, Object> arguments) {
    return client.callTool(new McpSchema.CallToolRequest(tool, arguments));
  }

  /** What {@code approval_status} says of {@code id}. */
  public String status(String id) {
    return text(call("approval_status", Map.of("id", id)));
  }

  /** A result's text, its parts joined. */
  public static String text(McpSchema.CallToolResult result) {
    return result.content().stream()
        .map(c -> ((McpSchema.TextContent) c).text())
        .reduce("", String::concat);
  }

  @Override
  public void close() {
    client.close();
  }
}
