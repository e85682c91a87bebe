package dev.pitcrew.bot.config;

import java.net.URI;
import java.net.URISyntaxException;

/** URLs as they may be logged or shown: never with the credentials some of them carry. */
public final class Urls {
  private Urls() {}

  /**
   * {@code url} without user-info, query or fragment ({@code https://user:key@gw/v1?api-key=x}
   * reads {@code https://gw/v1}), since gateways take keys in either place.
   */
  public static String loggable(URI url) {
    if (url == null) {
      return "(none)";
    }
    try {
      return new URI(url.getScheme(), null, url.getHost(), url.getPort(), url.getPath(), null, null)
          .toString();
    } catch (URISyntaxException e) {
      return url.getScheme() + "://(an address that cannot be shown safely)";
    }
  }

  /** As {@link #loggable(URI)}, for a {@link java.net.URL} (Fabric8's master URL). */
  public static String loggable(java.net.URL url) {
    try {
      return url == null ? "(none)" : loggable(url.toURI());
    } catch (URISyntaxException e) {
      return "(an address that cannot be shown safely)";
    }
  }
}
