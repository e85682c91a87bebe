package dev.pitcrew.bot.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ConfigTest {

  private static Map<String, String> minimal() {
    Map<String, String> env = new HashMap<>();
    env.put("SLACK_BOT_TOKEN", "xoxb-secret-token");
    env.put("SLACK_SIGNING_SECRET", "signing-secret-value");
    return env;
  }

  @Test
  void minimalSettingsGetTheDocumentedDefaults() throws Exception {
    Config config = Config.fromEnv(minimal());

    assertThat(config.port()).isEqualTo(3000);
    assertThat(config.slackApiUrl()).isEqualTo(URI.create("https://slack.com/api/"));
    assertThat(config.llm()).isEmpty();
    assertThat(config.auditChannel()).isEmpty();
    assertThat(config.approvers()).isEmpty();
    assertThat(config.approvalExpiry()).isEqualTo(Duration.ofMinutes(15));
    assertThat(config.kubeconfig()).isEmpty();
  }

  @Test
  void everySettingIsRead() throws Exception {
    Map<String, String> env = minimal();
    env.put("SLACK_API_URL", "http://127.0.0.1:9999/api");
    env.put("PITCREW_AUDIT_CHANNEL", "CAUDIT");
    env.put("OPENAI_API_KEY", "sk-live-key");
    env.put("OPENAI_BASE_URL", "http://127.0.0.1:8000/v1");
    env.put("PITCREW_MODEL", "qwen2.5");
    env.put("PORT", "8080");
    env.put("PITCREW_APPROVERS", " U0123ABCD , W0456EFGH ");
    env.put("PITCREW_APPROVAL_EXPIRY", "PT5M");
    env.put("PITCREW_NAMESPACE", "pitcrew");
    env.put("PITCREW_RUNBOOKS_DIR", System.getProperty("java.io.tmpdir"));

    Config config = Config.fromEnv(env);

    assertThat(config.namespace()).contains("pitcrew");
    assertThat(config.runbooksDirectory()).isPresent();
    assertThat(config.slackApiUrl()).isEqualTo(URI.create("http://127.0.0.1:9999/api/"));
    assertThat(config.auditChannel()).contains("CAUDIT");
    assertThat(config.llm().orElseThrow().baseUrl())
        .isEqualTo(URI.create("http://127.0.0.1:8000/v1"));
    assertThat(config.llm().orElseThrow().model()).isEqualTo("qwen2.5");
    assertThat(config.port()).isEqualTo(8080);
    assertThat(config.approvers()).containsExactlyInAnyOrder("U0123ABCD", "W0456EFGH");
    assertThat(config.approvalExpiry()).isEqualTo(Duration.ofMinutes(5));
  }

  @Test
  void baseUrlWithoutKeyIsFineForSelfHostedModels() throws Exception {
    Map<String, String> env = minimal();
    env.put("OPENAI_BASE_URL", "http://127.0.0.1:11434/v1");
    env.put("PITCREW_MODEL", "llama3.1");
    assertThat(Config.fromEnv(env).llm()).isPresent();
  }

  @Test
  void eachBadSettingIsNamed() {
    assertFails(without("SLACK_BOT_TOKEN"), "SLACK_BOT_TOKEN is required");
    assertFails(without("SLACK_SIGNING_SECRET"), "SLACK_SIGNING_SECRET is required");
    assertFails(with("SLACK_BOT_TOKEN", "xoxp-user"), "SLACK_BOT_TOKEN must be a bot token");
    assertFails(with("SLACK_APP_TOKEN", "xoxb-wrong"), "SLACK_APP_TOKEN must be an app-level");
    assertFails(with("PORT", "70000"), "PORT must be a TCP port from 0 to 65535, was '70000'");
    assertFails(with("PORT", "http"), "PORT must be a TCP port");
    assertFails(with("SLACK_API_URL", "slack.com/api"), "SLACK_API_URL must be an http(s) URL");
    assertFails(with("OPENAI_BASE_URL", "ftp://x"), "OPENAI_BASE_URL must be an http(s) URL");
    assertFails(with("OPENAI_API_KEY", "sk-x"), "PITCREW_MODEL is required when OPENAI_API_KEY");
    assertFails(with("PITCREW_MODEL", "gpt"), "PITCREW_MODEL is set but no LLM endpoint is");
    assertFails(with("PITCREW_APPROVERS", "U1,@alice"), "'@alice' is not one");
    assertFails(with("PITCREW_AUDIT_CHANNEL", "#audit"), "PITCREW_AUDIT_CHANNEL must be");
    assertFails(with("PITCREW_APPROVAL_EXPIRY", "15m"), "PITCREW_APPROVAL_EXPIRY must be");
    assertFails(with("PITCREW_APPROVAL_EXPIRY", "PT0S"), "PITCREW_APPROVAL_EXPIRY must be");
    assertFails(
        with("PITCREW_APPROVAL_RETENTION", "30 days"),
        "PITCREW_APPROVAL_RETENTION must be a positive ISO-8601 duration such as P30D, was '30 days'");
    assertFails(with("KUBECONFIG", "/no/such/kubeconfig"), "KUBECONFIG names /no/such/kubeconfig");
    assertFails(with("PITCREW_NAMESPACE", "Ops_Team"), "PITCREW_NAMESPACE must be a Kubernetes");
    assertFails(
        with("PITCREW_RUNBOOKS_DIR", "/no/such/dir"), "PITCREW_RUNBOOKS_DIR names /no/such/dir");
  }

  @Test
  void socketModeNeedsNoSigningSecret() throws Exception {
    Map<String, String> env = without("SLACK_SIGNING_SECRET");
    env.put("SLACK_APP_TOKEN", "xapp-1-socket");

    Config config = Config.fromEnv(env);

    assertThat(config.slackAppToken()).contains("xapp-1-socket");
    assertThat(config.slackSigningSecret()).isEmpty();
  }

  @Test
  void malformedOpenAiBaseUrlIsNamed() {
    Map<String, String> env = with("OPENAI_BASE_URL", "not a url");
    env.put("PITCREW_MODEL", "m");
    assertThatThrownBy(() -> Config.fromEnv(env))
        .hasMessageStartingWith("OPENAI_BASE_URL must be an http(s) URL");
  }

  @Test
  void secretsNeverAppearInToString() throws Exception {
    Map<String, String> env = minimal();
    env.put("OPENAI_API_KEY", "sk-live-key");
    env.put("PITCREW_MODEL", "gpt");
    env.put("SLACK_APP_TOKEN", "xapp-app-secret");

    String text = Config.fromEnv(env).toString();

    assertThat(text)
        .doesNotContain("xoxb-secret-token")
        .doesNotContain("signing-secret-value")
        .doesNotContain("sk-live-key")
        .doesNotContain("xapp-app-secret")
        .contains("model=gpt");
  }

  @Test
  void aStoreKeyShorterThanThirtyTwoBytesIsNamed() throws Exception {
    Map<String, String> env = minimal();
    env.put("PITCREW_STORE_KEY", "short");

    assertThatThrownBy(() -> Config.fromEnv(env))
        .isInstanceOf(ConfigException.class)
        .hasMessage("PITCREW_STORE_KEY must be at least 32 bytes, was 5");
    env.put("PITCREW_STORE_KEY", "k".repeat(32));
    assertThat(Config.fromEnv(env).storeSeal()).isPresent();
    assertThat(Config.fromEnv(env).toString()).doesNotContain("k".repeat(32));
  }

  @Test
  void credentialsInEndpointUrlsNeverReachTheStartUpLine() throws Exception {
    Map<String, String> env = minimal();
    env.put("OPENAI_BASE_URL", "https://svc:gw-pass@gateway.example/openai/v1?api-key=gw-key");
    env.put("SLACK_API_URL", "https://proxy-user:proxy-pass@slack-proxy.example/api/?token=t1");
    env.put("PITCREW_MODEL", "gpt");

    String text = Config.fromEnv(env).toString();

    assertThat(text)
        .contains("baseUrl=https://gateway.example/openai/v1")
        .contains("slackApiUrl=https://slack-proxy.example/api/")
        .doesNotContain("gw-pass")
        .doesNotContain("gw-key")
        .doesNotContain("proxy-pass")
        .doesNotContain("t1");
    assertThat(Urls.loggable(java.net.URI.create("http://127.0.0.1:8443/path")))
        .isEqualTo("http://127.0.0.1:8443/path");
  }

  @Test
  void namedClustersComeFromContextsKubeconfigFilesOrTheClusterPitcrewRunsIn(
      @org.junit.jupiter.api.io.TempDir java.nio.file.Path dir) throws Exception {
    java.nio.file.Path staging = java.nio.file.Files.writeString(dir.resolve("staging"), "{}");
    Config config =
        Config.fromEnv(
            with("PITCREW_CLUSTERS", "prod, staging=kubeconfig:" + staging + ",home=in-cluster"));

    assertThat(config.clusters())
        .containsExactly(
            new ClusterSpec("prod", ClusterSpec.Kind.CONTEXT, "prod"),
            new ClusterSpec("staging", ClusterSpec.Kind.KUBECONFIG, staging.toString()),
            new ClusterSpec("home", ClusterSpec.Kind.IN_CLUSTER, ""));
    assertThat(Config.fromEnv(minimal()).clusters()).isEmpty();
  }

  @Test
  void aBadClusterSettingIsNamed() {
    assertFails(with("PITCREW_CLUSTERS", "Prod"), "PITCREW_CLUSTERS: 'Prod' is not a cluster name");
    assertFails(with("PITCREW_CLUSTERS", "a,a"), "PITCREW_CLUSTERS names cluster a twice");
    assertFails(
        with("PITCREW_CLUSTERS", "a=kubeconfig:/nonexistent/x"),
        "PITCREW_CLUSTERS: cluster a names kubeconfig /nonexistent/x, which is not a readable file");
    assertFails(
        with("PITCREW_CLUSTERS", "a=ftp:x"),
        "cluster a has source 'ftp:x'; expected context:NAME, kubeconfig:/path or in-cluster");
  }

  @Test
  void aPolicyRuleForAClusterNobodyConfiguredStopsStartUp(
      @org.junit.jupiter.api.io.TempDir java.nio.file.Path dir) throws Exception {
    java.nio.file.Path policy =
        java.nio.file.Files.writeString(
            dir.resolve("policy.yaml"), "approvals:\n  clusters:\n    prod: {minApprovals: 2}\n");
    Map<String, String> env = with("PITCREW_CONFIG", policy.toString());
    assertFails(env, "approvals.clusters.prod: no cluster of that name is configured");
    env.put("PITCREW_CLUSTERS", "prod");
    assertThat(
            Config.fromEnv(env).policies().approvals().ruleFor("x", "shop", "prod").minApprovals())
        .isEqualTo(2);
  }

  @Test
  void mcpClientsWithoutAChannelForTheirCardsStopStartUp(
      @org.junit.jupiter.api.io.TempDir java.nio.file.Path dir) throws Exception {
    String client =
        "mcp:\n  clients:\n    - {name: a, tokenSha256: " + "ab".repeat(32) + ", as: U0ALICE}\n";
    java.nio.file.Path policy = java.nio.file.Files.writeString(dir.resolve("policy.yaml"), client);
    assertFails(
        with("PITCREW_CONFIG", policy.toString()),
        "the policy file lists mcp.clients but no mcp.channel");
    java.nio.file.Files.writeString(policy, client + "  channel: approvals\n");
    assertFails(
        with("PITCREW_CONFIG", policy.toString()),
        "mcp.channel in the policy file must be a Slack channel ID such as C0123ABCD, was"
            + " 'approvals'");
    java.nio.file.Files.writeString(policy, client + "  channel: C0APPROVALS\n");
    assertThat(Config.fromEnv(with("PITCREW_CONFIG", policy.toString())).policies().mcp().enabled())
        .isTrue();
  }

  private static Map<String, String> with(String name, String value) {
    Map<String, String> env = minimal();
    env.put(name, value);
    return env;
  }

  private static Map<String, String> without(String name) {
    Map<String, String> env = minimal();
    env.remove(name);
    return env;
  }

  private static void assertFails(Map<String, String> env, String message) {
    assertThatThrownBy(() -> Config.fromEnv(env))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining(message)
        .satisfies(e -> assertThat(e.getMessage()).doesNotContain("\n"));
  }
}
