package dev.pitcrew.bot.http;

import java.util.List;
import java.util.Map;

/** Handles one path. Headers arrive with lower-case names. */
@FunctionalInterface
public interface HttpRoute {
  HttpReply handle(String method, Map<String, List<String>> headers, String query, byte[] body)
      throws Exception;
}
