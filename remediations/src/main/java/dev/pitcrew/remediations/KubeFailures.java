package dev.pitcrew.remediations;

import io.fabric8.kubernetes.client.KubernetesClientException;

/** Turns API errors into sentences an operator can act on, never stack traces. */
final class KubeFailures {
  private KubeFailures() {}

  /**
   * Whether a write that failed with {@code e} may still have been applied: no answer (a timeout or
   * reset), or a 5xx, which a proxy or an overloaded API server returns after passing the write on.
   * A 4xx is the server's own refusal: nothing changed.
   */
  static boolean ambiguous(KubernetesClientException e) {
    return e.getCode() <= 0 || e.getCode() >= 500;
  }

  static Failed describe(KubernetesClientException e, String verb, String target) {
    int code = e.getCode();
    String what = verb + " " + target;
    String reason =
        switch (code) {
          case 401 -> "the API server rejected Pitcrew's credentials while trying to " + what;
          case 403 ->
              forbidden(e).orElse("the API server refused to " + what + ": " + statusMessage(e));
          case 404 -> target + " was not found";
          case 409 -> target + " changed while Pitcrew tried to " + what + "; read it again";
          case 422 -> "the API server rejected the request to " + what + ": " + statusMessage(e);
          case 429 -> "the API server is throttling requests; could not " + what;
          default ->
              code <= 0
                  ? "could not reach the API server to " + what + ": " + rootMessage(e)
                  : code >= 500
                      ? "the API server failed (HTTP " + code + ") while trying to " + what
                      : "the API server answered HTTP "
                          + code
                          + " to "
                          + what
                          + ": "
                          + statusMessage(e);
        };
    return new Failed(reason);
  }

  /**
   * The API server's refusal in words: {@code alice@example.com may not patch deployments in
   * payments (Kubernetes RBAC)}, read from its message {@code ... User "alice@example.com" cannot
   * patch resource "deployments" in API group "apps" in the namespace "payments"}. The user is
   * whoever the call ran as: Pitcrew's service account, or the requester it impersonated.
   */
  static java.util.Optional<String> forbidden(KubernetesClientException e) {
    java.util.regex.Matcher m = FORBIDDEN.matcher(statusMessage(e));
    if (!m.find()) {
      return java.util.Optional.empty();
    }
    return java.util.Optional.of(
        m.group(1)
            + " may not "
            + m.group(2)
            + " "
            + m.group(3)
            + (m.group(4) == null ? "" : " in " + m.group(4))
            + " (Kubernetes RBAC)");
  }

  private static final java.util.regex.Pattern FORBIDDEN =
      java.util.regex.Pattern.compile(
          "User \"([^\"]+)\" cannot ([a-z]+) resource \"([^\"]+)\""
              + "(?: in API group \"[^\"]*\")?(?: in the namespace \"([^\"]+)\")?");

  private static String statusMessage(KubernetesClientException e) {
    if (e.getStatus() != null && e.getStatus().getMessage() != null) {
      return e.getStatus().getMessage();
    }
    return rootMessage(e);
  }

  private static String rootMessage(Throwable e) {
    Throwable root = e;
    while (root.getCause() != null && root.getCause() != root) {
      root = root.getCause();
    }
    return root.getMessage() == null ? root.getClass().getSimpleName() : root.getMessage();
  }
}
