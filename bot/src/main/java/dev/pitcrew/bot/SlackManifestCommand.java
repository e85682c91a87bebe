package dev.pitcrew.bot;

import dev.pitcrew.bot.slack.SlackManifest;
import java.io.InputStream;
import java.io.PrintStream;
import java.net.URI;
import java.net.URISyntaxException;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** {@code slack-manifest [--http URL]}: the Slack app's manifest, for creating the app. */
final class SlackManifestCommand implements Command {
  @Override
  public String name() {
    return "slack-manifest";
  }

  @Override
  public List<String> help() {
    return List.of(
        "slack-manifest [--http URL] print the Slack app manifest (Socket Mode, or HTTP with",
        "                            URL as the request URL, e.g. https://host/slack/events)");
  }

  @Override
  public int run(
      List<String> args,
      Map<String, String> env,
      InputStream in,
      PrintStream out,
      PrintStream err) {
    Optional<URI> url = Optional.empty();
    if (args.size() == 2 && args.get(0).equals("--http")) {
      try {
        URI uri = new URI(args.get(1));
        if (!"https".equals(uri.getScheme()) || uri.getHost() == null) {
          throw new URISyntaxException(args.get(1), "not an https URL");
        }
        url = Optional.of(uri);
      } catch (URISyntaxException e) {
        err.println(
            "pitcrew: slack-manifest --http needs the https URL Slack will call, such as"
                + " https://pitcrew.example.com/slack/events; was '"
                + args.get(1)
                + "'");
        return Command.CONFIG_ERROR;
      }
    } else if (!args.isEmpty()) {
      err.println("pitcrew: usage: slack-manifest [--http URL]");
      return Command.CONFIG_ERROR;
    }
    out.print(SlackManifest.yaml(url));
    out.flush();
    return 0;
  }
}
