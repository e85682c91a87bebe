package dev.pitcrew.charts;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import com.marcnuri.helm.Helm;
import com.marcnuri.helm.LintResult;
import com.marcnuri.helm.TemplateCommand;
import dev.pitcrew.remediations.Permission;
import dev.pitcrew.remediations.Remediation;
import dev.pitcrew.remediations.Remediations;
import dev.pitcrew.runbooks.RunbookCatalog;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.rbac.ClusterRole;
import io.fabric8.kubernetes.api.model.rbac.PolicyRule;
import io.fabric8.kubernetes.api.model.rbac.Role;
import io.fabric8.kubernetes.client.ConfigBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.Function;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The chart rendered by real Helm (helm-java runs Helm's own Go code in-process), parsed as
 * Kubernetes objects. Rendering is what `helm template` does: no API server validates the objects
 * and no admission controller sees them.
 */
class ChartTest {
  private static final Path CHART = Path.of("pitcrew");
  private static final YAMLMapper YAML = new YAMLMapper();
  private static final KubernetesClient OFFLINE =
      new KubernetesClientBuilder()
          .withConfig(new ConfigBuilder().withMasterUrl("http://127.0.0.1:9").build())
          .build();
  private static final Map<String, Remediation> ACTIONS =
      Remediations.all(OFFLINE).stream()
          .collect(Collectors.toMap(Remediation::name, Function.identity()));
  private static final RunbookCatalog SHIPPED = RunbookCatalog.shipped(ACTIONS.values());

  /** The default values and every values file chart-testing (ct) would install with. */
  static Stream<String> valueSets() throws IOException {
    try (Stream<Path> files = Files.list(CHART.resolve("ci"))) {
      List<String> sets = new ArrayList<>(List.of("(defaults)"));
      files.map(p -> p.getFileName().toString()).sorted().forEach(sets::add);
      return sets.stream();
    }
  }

  @Test
  void lintsCleanWithStrictHelm() {
    LintResult lint = new Helm(CHART).lint().strict().call();

    assertThat(lint.isFailed()).as("%s", lint.getMessages()).isFalse();
  }

  @ParameterizedTest
  @MethodSource("valueSets")
  void everyContainerRunsRestricted(String values) throws Exception {
    List<HasMetadata> objects = render(values);

    List<PodSpec> pods = podSpecs(objects);
    assertThat(pods).isNotEmpty();
    for (PodSpec pod : pods) {
      assertThat(pod.getSecurityContext().getRunAsNonRoot()).isTrue();
      assertThat(pod.getSecurityContext().getSeccompProfile().getType())
          .isEqualTo("RuntimeDefault");
      List<Container> containers = new ArrayList<>(pod.getContainers());
      containers.addAll(pod.getInitContainers());
      assertThat(containers)
          .allSatisfy(
              c -> {
                var sc = c.getSecurityContext();
                assertThat(sc).as(c.getName()).isNotNull();
                assertThat(sc.getRunAsNonRoot()).isTrue();
                assertThat(sc.getReadOnlyRootFilesystem()).isTrue();
                assertThat(sc.getAllowPrivilegeEscalation()).isFalse();
                assertThat(sc.getCapabilities().getDrop()).containsExactly("ALL");
                assertThat(sc.getCapabilities().getAdd()).isNullOrEmpty();
                assertThat(sc.getSeccompProfile().getType()).isEqualTo("RuntimeDefault");
                assertThat(c.getResources().getLimits()).containsKey("memory");
              });
    }
  }

  @ParameterizedTest
  @MethodSource("valueSets")
  void noRbacRuleUsesAWildcard(String values) throws Exception {
    List<PolicyRule> rules = new ArrayList<>();
    for (HasMetadata o : render(values)) {
      if (o instanceof Role role) {
        rules.addAll(role.getRules());
      } else if (o instanceof ClusterRole role) {
        rules.addAll(role.getRules());
      }
    }

    assertThat(rules).isNotEmpty();
    assertThat(rules)
        .allSatisfy(
            r -> {
              assertThat(r.getVerbs()).doesNotContain("*");
              assertThat(r.getResources()).doesNotContain("*");
              assertThat(r.getApiGroups()).doesNotContain("*");
              assertThat(r.getResourceNames()).isNullOrEmpty();
              assertThat(r.getNonResourceURLs()).isNullOrEmpty();
            });
  }

  @Test
  void everyShippedRunbookHasItsActionInTheChartAndIsEnabledByDefault() throws Exception {
    JsonNode table = YAML.readTree(CHART.resolve("files/actions.yaml").toFile());
    Map<String, String> chartRunbooks = new TreeMap<>();
    table
        .path("runbooks")
        .fields()
        .forEachRemaining(e -> chartRunbooks.put(e.getKey(), e.getValue().asText()));

    Map<String, String> shipped = new TreeMap<>();
    SHIPPED.runbooks().forEach(r -> shipped.put(r.name(), r.actionName()));
    assertThat(chartRunbooks)
        .as("files/actions.yaml must name every shipped runbook and its action")
        .isEqualTo(shipped);
    JsonNode values = YAML.readTree(CHART.resolve("values.yaml").toFile());
    Set<String> enabled = new TreeSet<>();
    values.path("runbooks").path("enabled").forEach(n -> enabled.add(n.asText()));
    assertThat(enabled).isEqualTo(shipped.keySet());
  }

  @Test
  void theChartsActionTableIsWhatTheCodeDeclares() throws Exception {
    JsonNode table = YAML.readTree(CHART.resolve("files/actions.yaml").toFile());

    for (Remediation action : ACTIONS.values()) {
      JsonNode rules = table.path("actions").path(action.name());
      assertThat(rules.isArray())
          .as("files/actions.yaml has no entry for %s", action.name())
          .isTrue();
      Set<Permission> inChart = new java.util.HashSet<>();
      rules.forEach(
          r -> {
            Set<String> verbs = new TreeSet<>();
            r.path("verbs").forEach(v -> verbs.add(v.asText()));
            inChart.add(
                new Permission(
                    r.path("apiGroup").asText(),
                    r.path("resource").asText(),
                    verbs,
                    scope(r.path("scope").asText())));
          });
      assertThat(inChart).as(action.name()).isEqualTo(Set.copyOf(action.permissions()));
    }
  }

  @Test
  void defaultsGrantTheRunbooksNoRightsAndFenceThePodWithANetworkPolicy() throws Exception {
    List<HasMetadata> objects = render("(defaults)");

    assertThat(objects).noneMatch(o -> o.getKind().equals("ClusterRole"));
    assertThat(objects)
        .filteredOn(o -> o.getKind().equals("Role"))
        .extracting(o -> o.getMetadata().getName())
        .containsExactly("pitcrew-approvals");
    assertThat(objects).anyMatch(o -> o.getKind().equals("NetworkPolicy"));
  }

  @Test
  void actingAsTheRequesterNeedsExplicitListsAndNeverSystemNames() {
    assertThatThrownBy(() -> renderYaml("policy:\n  kubernetes:\n    identity: requester\n"))
        .hasMessageContaining(
            "list whom Pitcrew may impersonate in rbac.impersonate.users and"
                + " rbac.impersonate.groups");
    assertThatThrownBy(
            () ->
                renderYaml(
                    """
                    policy:
                      kubernetes:
                        identity: requester
                    rbac:
                      impersonate:
                        users: [alice@example.com]
                        groups: [sre, system:masters]
                    """))
        .hasMessageContaining("rbac.impersonate may not name system:masters");
    assertThatThrownBy(
            () ->
                render(
                    "(defaults)", Map.of("rbac.clusterWide", "true", "rbac.namespaces[0]", "shop")))
        .hasMessageContaining("rbac.clusterWide and rbac.namespaces are both set");
  }

  @Test
  void clusterWideRbacGrantsExactlyWhatTheEnabledRunbooksUse() throws Exception {
    List<HasMetadata> objects = render("(defaults)", Map.of("rbac.clusterWide", "true"));

    ClusterRole role = named(objects, ClusterRole.class, "pitcrew");
    assertThat(grants(role.getRules()))
        .isEqualTo(expected(shippedRunbooks(), Set.of(Permission.Scope.values())));
    // The approval store's and the claims' ConfigMaps, in the release namespace only.
    Role store = named(objects, Role.class, "pitcrew-approvals");
    assertThat(store.getMetadata().getNamespace()).isEqualTo("pitcrew");
    assertThat(grants(store.getRules()))
        .isEqualTo(Map.of("/configmaps", Set.of("create", "delete", "get", "list", "update")));
  }

  @Test
  void namespacedRbacAllowsChangesOnlyInShopAndNothingClusterScoped() throws Exception {
    List<HasMetadata> objects = render("namespaced-values.yaml");
    JsonNode values = YAML.readTree(CHART.resolve("ci/namespaced-values.yaml").toFile());
    Map<String, String> runbooks = new LinkedHashMap<>();
    values
        .path("runbooks")
        .path("enabled")
        .forEach(
            n -> runbooks.put(n.asText(), SHIPPED.find(n.asText()).orElseThrow().actionName()));
    values
        .path("runbooks")
        .path("extra")
        .fields()
        .forEachRemaining(e -> runbooks.put(e.getKey(), e.getValue().path("action").asText()));

    assertThat(objects).noneMatch(o -> o instanceof ClusterRole);
    List<Role> roles =
        objects.stream().filter(Role.class::isInstance).map(Role.class::cast).toList();
    assertThat(roles)
        .extracting(r -> r.getMetadata().getNamespace() + "/" + r.getMetadata().getName())
        .containsExactlyInAnyOrder("shop/pitcrew", "pitcrew/pitcrew-approvals");
    assertThat(grants(named(objects, Role.class, "pitcrew").getRules()))
        .isEqualTo(expected(runbooks, Set.of(Permission.Scope.TARGET_NAMESPACES)));
    assertThat(env(objects))
        .containsEntry("PITCREW_RUNBOOKS", String.join(",", runbooks.keySet()))
        .containsEntry("PITCREW_RUNBOOKS_DIR", "/etc/pitcrew/runbooks");
    String runbook =
        objects.stream()
            .filter(o -> o.getKind().equals("ConfigMap"))
            .map(o -> ((io.fabric8.kubernetes.api.model.ConfigMap) o).getData())
            .findFirst()
            .orElseThrow()
            .get("runbook-scale_checkout.yaml");
    assertThat(YAML.readTree(runbook).path("name").asText()).isEqualTo("scale_checkout");
    assertThat(YAML.readTree(runbook).path("action").asText()).isEqualTo("deployment.scale");
  }

  @Test
  void evictionsAndAutoscalerBoundsAreGrantedInTheNamespacesOnlyAsTheirRunbooksNeed()
      throws Exception {
    List<HasMetadata> objects =
        renderYaml(
            """
            rbac:
              namespaces: [shop]
            runbooks:
              enabled: [delete_pod, scale_autoscaler]
            """);

    assertThat(grants(named(objects, Role.class, "pitcrew").getRules()))
        .isEqualTo(
            Map.of(
                "/pods", Set.of("get"),
                "/pods/eviction", Set.of("create"),
                "policy/poddisruptionbudgets", Set.of("list"),
                "autoscaling/horizontalpodautoscalers", Set.of("get", "patch"),
                "/events", Set.of("create")));
    assertThat(objects).noneMatch(o -> o.getKind().equals("ClusterRole"));
  }

  @Test
  void aRollbackMayChangeStatefulSetsAndDaemonSetsFromTheirControllerRevisions() throws Exception {
    List<HasMetadata> objects =
        renderYaml(
            """
            rbac:
              namespaces: [shop]
            runbooks:
              enabled: [rollback_deployment]
            """);

    assertThat(grants(named(objects, Role.class, "pitcrew").getRules()))
        .isEqualTo(
            Map.of(
                "apps/deployments", Set.of("get", "patch"),
                "apps/replicasets", Set.of("list"),
                "apps/statefulsets", Set.of("get", "patch"),
                "apps/daemonsets", Set.of("get", "patch"),
                "apps/controllerrevisions", Set.of("list"),
                "/pods", Set.of("list"),
                "/events", Set.of("create")));
  }

  /**
   * The install notes as Helm renders them. {@code helm template} leaves NOTES.txt out and an
   * install needs a cluster, so a copy of the chart renders them into a ConfigMap with {@code tpl}.
   */
  private static String notes(Map<String, String> set) throws Exception {
    Path copy = Files.createTempDirectory("pitcrew-chart");
    try (var files = Files.walk(CHART)) {
      for (Path from : files.toList()) {
        Path to = copy.resolve(CHART.relativize(from).toString());
        if (Files.isDirectory(from)) {
          Files.createDirectories(to);
        } else {
          Files.copy(from, to);
        }
      }
    }
    Files.copy(copy.resolve("templates/NOTES.txt"), copy.resolve("files/notes-under-test.txt"));
    Files.writeString(
        copy.resolve("templates/zz-notes-under-test.yaml"),
        "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: notes-under-test}\n"
            + "data: {notes: {{ tpl (.Files.Get \"files/notes-under-test.txt\") . | toJson }}}\n");
    TemplateCommand template =
        new Helm(copy)
            .template()
            .withName("pitcrew")
            .withNamespace("pitcrew")
            .withKubeVersion("1.31.0");
    for (Map.Entry<String, String> e : set.entrySet()) {
      template = template.set(e.getKey(), e.getValue());
    }
    try {
      return OFFLINE
          .load(new ByteArrayInputStream(template.call().getBytes(StandardCharsets.UTF_8)))
          .items()
          .stream()
          .filter(o -> o.getMetadata().getName().equals("notes-under-test"))
          .map(o -> ((io.fabric8.kubernetes.api.model.ConfigMap) o).getData().get("notes"))
          .findFirst()
          .orElseThrow();
    } finally {
      try (var files = Files.walk(copy)) {
        for (Path p : files.sorted(java.util.Comparator.reverseOrder()).toList()) {
          Files.delete(p);
        }
      }
    }
  }

  @Test
  void theNotesSayADrainNeedsAClusterWideGrant() throws Exception {
    assertThat(notes(Map.of("rbac.namespaces[0]", "shop")))
        .contains("drain_node lists and evicts the pods of every namespace on a node");
    assertThat(notes(Map.of("rbac.clusterWide", "true")))
        .doesNotContain("drain_node lists and evicts");
  }

  @Test
  void theIngressRoutesMcpOnlyWhenAskedAndAloneInSocketMode() throws Exception {
    List<HasMetadata> socket =
        renderYaml(
            """
            slack: {mode: socket}
            ingress: {enabled: true, host: pitcrew.example.com, mcp: true}
            """);
    var paths =
        named(socket, io.fabric8.kubernetes.api.model.networking.v1.Ingress.class, "pitcrew")
            .getSpec()
            .getRules()
            .get(0)
            .getHttp()
            .getPaths();
    assertThat(paths).extracting(p -> p.getPath()).containsExactly("/mcp");
    var fence =
        named(socket, io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicy.class, "pitcrew");
    assertThat(fence.getSpec().getIngress())
        .as("the ingress controller may reach /mcp")
        .isNotEmpty();
  }

  @Test
  void nodeRunbooksInNamespacedModeGetNodesClusterWideAndEventsInDefault() throws Exception {
    List<HasMetadata> objects =
        renderYaml(
            """
            rbac:
              namespaces: [shop]
            runbooks:
              enabled: [list_pods, cordon_node]
            """);

    assertThat(grants(named(objects, ClusterRole.class, "pitcrew-cluster").getRules()))
        .isEqualTo(Map.of("/nodes", Set.of("get", "patch")));
    Role events = named(objects, Role.class, "pitcrew-node-events");
    assertThat(events.getMetadata().getNamespace()).isEqualTo("default");
    assertThat(grants(events.getRules())).isEqualTo(Map.of("/events", Set.of("create")));
  }

  @Test
  void defaultImageIsWhatJibBuilds() throws Exception {
    Container container = podSpecs(render("(defaults)")).get(0).getContainers().get(0);

    assertThat(container.getImage())
        .isEqualTo(
            System.getProperty("pitcrew.image.repository")
                + ":"
                + System.getProperty("pitcrew.version"));
    JsonNode chart = YAML.readTree(CHART.resolve("Chart.yaml").toFile());
    assertThat(chart.path("appVersion").asText()).isEqualTo(System.getProperty("pitcrew.version"));
  }

  @Test
  void defaultsRunTwoReplicasOnTheDurableStoreWithProbes() throws Exception {
    List<HasMetadata> objects = render("(defaults)");
    var deployment =
        named(objects, io.fabric8.kubernetes.api.model.apps.Deployment.class, "pitcrew");
    Container container = deployment.getSpec().getTemplate().getSpec().getContainers().get(0);

    assertThat(deployment.getSpec().getReplicas()).isEqualTo(2);
    assertThat(env(objects))
        .containsEntry("PITCREW_APPROVAL_STORE", "kubernetes")
        .containsKey("SLACK_APP_TOKEN")
        .doesNotContainKey("SLACK_SIGNING_SECRET");
    assertThat(container.getReadinessProbe().getHttpGet().getPath()).isEqualTo("/readyz");
    assertThat(container.getLivenessProbe().getHttpGet().getPath()).isEqualTo("/healthz");
    assertThat(objects).anyMatch(o -> o.getKind().equals("PodDisruptionBudget"));
    assertThat(objects).noneMatch(o -> o.getKind().equals("Ingress"));
    assertThat(deployment.getSpec().getSelector().getMatchLabels())
        .doesNotContainKey("helm.sh/chart");
  }

  @Test
  void storedRequestsAreSignedWithTheKeyTheValuesGive() throws Exception {
    io.fabric8.kubernetes.api.model.Secret given =
        named(
            render("(defaults)", Map.of("storeKey", "k".repeat(40))),
            io.fabric8.kubernetes.api.model.Secret.class,
            "pitcrew");
    assertThat(given.getStringData()).containsEntry("PITCREW_STORE_KEY", "k".repeat(40));
    var deployment =
        named(
            render("(defaults)"), io.fabric8.kubernetes.api.model.apps.Deployment.class, "pitcrew");
    assertThat(deployment.getSpec().getTemplate().getSpec().getContainers().get(0).getEnv())
        .anySatisfy(
            e -> {
              assertThat(e.getName()).isEqualTo("PITCREW_STORE_KEY");
              assertThat(e.getValueFrom().getSecretKeyRef().getKey())
                  .isEqualTo("PITCREW_STORE_KEY");
              assertThat(e.getValueFrom().getSecretKeyRef().getOptional()).isTrue();
            });
    assertThatThrownBy(() -> render("(defaults)", Map.of("storeKey", "too-short")))
        .hasMessageContaining("storeKey");
  }

  @Test
  void alertmanagersWebhookIsTurnedOnByItsTokenAndReachableOnlyFromItsNamespace() throws Exception {
    List<HasMetadata> objects =
        render("(defaults)", Map.of("alerts.token", "t".repeat(32), "alerts.channel", "C0ALERTS"));

    assertThat(
            named(objects, io.fabric8.kubernetes.api.model.Secret.class, "pitcrew").getStringData())
        .containsEntry("PITCREW_ALERT_TOKEN", "t".repeat(32));
    assertThat(env(objects))
        .containsEntry("PITCREW_ALERT_CHANNEL", "C0ALERTS")
        .containsKey("PITCREW_ALERT_TOKEN");
    var policy =
        named(
            objects, io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicy.class, "pitcrew");
    assertThat(policy.getSpec().getIngress())
        .singleElement()
        .satisfies(
            rule ->
                assertThat(rule.getFrom())
                    .singleElement()
                    .satisfies(
                        peer ->
                            assertThat(peer.getNamespaceSelector().getMatchLabels())
                                .containsExactly(
                                    Map.entry("kubernetes.io/metadata.name", "monitoring"))));
    // Without a token nothing may connect, as before.
    var closed =
        named(
            render("(defaults)"),
            io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicy.class,
            "pitcrew");
    assertThat(closed.getSpec().getIngress()).isEmpty();
    assertThatThrownBy(() -> render("(defaults)", Map.of("alerts.token", "short")))
        .hasMessageContaining("alerts");
  }

  @Test
  void httpModeRoutesOnlySlackEventsThroughTheIngress() throws Exception {
    List<HasMetadata> objects = render("http-values.yaml");

    var ingress =
        named(objects, io.fabric8.kubernetes.api.model.networking.v1.Ingress.class, "pitcrew");
    var paths = ingress.getSpec().getRules().get(0).getHttp().getPaths();
    assertThat(paths)
        .singleElement()
        .satisfies(p -> assertThat(p.getPath()).isEqualTo("/slack/events"));
    assertThat(env(objects))
        .containsKey("SLACK_SIGNING_SECRET")
        .doesNotContainKey("SLACK_APP_TOKEN");
    assertThat(objects).anyMatch(o -> o.getKind().equals("NetworkPolicy"));
    assertThat(objects).anyMatch(o -> o.getKind().equals("ServiceMonitor"));
  }

  @Test
  void ingressInSocketModeIsRefusedWithAReason() {
    assertThatThrownBy(
            () ->
                render(
                    "(defaults)",
                    Map.of("ingress.enabled", "true", "ingress.host", "x.example.com")))
        .hasMessageContaining("ingress.enabled needs slack.mode=http");
  }

  @Test
  void existingSecretRendersNoSecretAndNoTokens() throws Exception {
    List<HasMetadata> objects = render("existing-secret-values.yaml");

    assertThat(objects).noneMatch(o -> o.getKind().equals("Secret"));
    assertThat(objects).noneMatch(o -> o.getKind().equals("ServiceAccount"));
    var deployment =
        named(objects, io.fabric8.kubernetes.api.model.apps.Deployment.class, "pitcrew");
    assertThat(deployment.getSpec().getTemplate().getSpec().getServiceAccountName())
        .isEqualTo("pitcrew-bot");
    assertThat(deployment.getSpec().getTemplate().getSpec().getContainers().get(0).getEnv())
        .filteredOn(e -> e.getName().startsWith("SLACK_"))
        .allSatisfy(
            e ->
                assertThat(e.getValueFrom().getSecretKeyRef().getName())
                    .isEqualTo("pitcrew-slack"));
  }

  @Test
  void valuesSchemaRefusesAnUnknownKey() {
    assertThatThrownBy(() -> render("(defaults)", Map.of("replicas", "3")))
        .hasMessageContaining("replicas");
    assertThatThrownBy(() -> render("(defaults)", Map.of("slack.mode", "webhook")))
        .hasMessageContaining("mode");
  }

  @Test
  void everyValueIsDocumented() throws IOException {
    List<String> lines = Files.readAllLines(CHART.resolve("values.yaml"));
    List<String> undocumented = new ArrayList<>();
    int documentedParentIndent = -1; // a documented object documents what it holds (helm-docs)
    for (int i = 0; i < lines.size(); i++) {
      String line = lines.get(i);
      if (!line.matches("^\\s*[A-Za-z][A-Za-z0-9]*:.*")) {
        continue;
      }
      if (documentedParentIndent >= 0 && indent(line) > documentedParentIndent) {
        continue;
      }
      documentedParentIndent = -1;
      boolean documented = documented(lines, i);
      boolean parent = line.matches("^\\s*[A-Za-z][A-Za-z0-9]*:\\s*$") && isParentOfKeys(lines, i);
      if (parent && documented) {
        documentedParentIndent = indent(line);
      } else if (!parent && !documented) {
        undocumented.add((i + 1) + ": " + line.trim());
      }
    }
    assertThat(undocumented).as("values without a '# --' comment").isEmpty();
  }

  /** Whether the comment block right above line {@code i} starts with {@code # --}. */
  private static boolean documented(List<String> lines, int i) {
    int above = i - 1;
    while (above >= 0
        && lines.get(above).trim().startsWith("#")
        && !lines.get(above).contains("# --")) {
      above--;
    }
    return above >= 0 && lines.get(above).trim().startsWith("# --");
  }

  private static boolean isParentOfKeys(List<String> lines, int i) {
    int indent = indent(lines.get(i));
    for (int j = i + 1; j < lines.size(); j++) {
      String next = lines.get(j);
      if (next.isBlank() || next.trim().startsWith("#")) {
        continue;
      }
      return indent(next) > indent && !next.trim().startsWith("-");
    }
    return false;
  }

  private static int indent(String line) {
    return line.length() - line.stripLeading().length();
  }

  private static Permission.Scope scope(String chartScope) {
    return switch (chartScope) {
      case "namespaces" -> Permission.Scope.TARGET_NAMESPACES;
      case "cluster" -> Permission.Scope.CLUSTER;
      case "default" -> Permission.Scope.DEFAULT_NAMESPACE;
      default -> throw new AssertionError("unknown scope in files/actions.yaml: " + chartScope);
    };
  }

  private static Map<String, String> shippedRunbooks() {
    Map<String, String> runbooks = new LinkedHashMap<>();
    SHIPPED.runbooks().forEach(r -> runbooks.put(r.name(), r.actionName()));
    return runbooks;
  }

  /** "apiGroup/resource" -> verbs, built from the code's own declarations of what actions call. */
  private static Map<String, Set<String>> expected(
      Map<String, String> runbookActions, Set<Permission.Scope> scopes) {
    Map<String, Set<String>> grants = new TreeMap<>();
    for (String action : Set.copyOf(runbookActions.values())) {
      for (Permission p : ACTIONS.get(action).permissions()) {
        if (scopes.contains(p.scope())) {
          grants
              .computeIfAbsent(p.apiGroup() + "/" + p.resource(), k -> new TreeSet<>())
              .addAll(p.verbs());
        }
      }
    }
    return grants;
  }

  private static Map<String, Set<String>> grants(List<PolicyRule> rules) {
    Map<String, Set<String>> grants = new TreeMap<>();
    for (PolicyRule rule : rules) {
      for (String group : rule.getApiGroups()) {
        for (String resource : rule.getResources()) {
          grants
              .computeIfAbsent(group + "/" + resource, k -> new TreeSet<>())
              .addAll(rule.getVerbs());
        }
      }
    }
    return grants;
  }

  @Test
  void impersonationIsGrantedOnlyWhenThePolicyActsAsTheRequesterAndOnlyForTheListedNames()
      throws Exception {
    assertThat(render("(defaults)"))
        .noneMatch(o -> o.getMetadata().getName().equals("pitcrew-impersonate"));

    List<HasMetadata> objects =
        renderYaml(
            """
            policy:
              kubernetes:
                identity: requester
            rbac:
              impersonate:
                users: [alice@example.com]
                groups: [sre]
            """);

    ClusterRole role = named(objects, ClusterRole.class, "pitcrew-impersonate");
    assertThat(role.getRules())
        .allSatisfy(r -> assertThat(r.getVerbs()).containsExactly("impersonate"));
    assertThat(role.getRules().get(0).getResources()).containsExactly("users");
    assertThat(role.getRules().get(0).getResourceNames()).containsExactly("alice@example.com");
    assertThat(role.getRules().get(1).getResourceNames()).containsExactly("sre");
    assertThat(role.getRules().get(2).getResources())
        .containsExactly(
            "userextras/pitcrew.dev/approved-by", "userextras/pitcrew.dev/correlation-id");
    named(
        objects,
        io.fabric8.kubernetes.api.model.rbac.ClusterRoleBinding.class,
        "pitcrew-impersonate");
  }

  @Test
  void namedClustersBecomePitcrewClustersWithEachKubeconfigMountedFromItsSecret() throws Exception {
    List<HasMetadata> objects =
        renderYaml(
            """
            clusters:
              inCluster: prod
              kubeconfigs:
                - {name: staging, secretName: staging-kubeconfig}
                - {name: eu, secretName: eu-kube, key: config}
            """);

    PodSpec pod = podSpecs(objects).get(0);
    assertThat(pod.getContainers().get(0).getEnv())
        .filteredOn(e -> e.getName().equals("PITCREW_CLUSTERS"))
        .singleElement()
        .extracting(EnvVar::getValue)
        .isEqualTo(
            "prod=in-cluster,staging=kubeconfig:/etc/pitcrew/clusters/staging/kubeconfig,"
                + "eu=kubeconfig:/etc/pitcrew/clusters/eu/kubeconfig");
    assertThat(pod.getVolumes())
        .filteredOn(v -> v.getName().equals("cluster-eu"))
        .singleElement()
        .satisfies(
            v -> {
              assertThat(v.getSecret().getSecretName()).isEqualTo("eu-kube");
              assertThat(v.getSecret().getItems().get(0).getKey()).isEqualTo("config");
            });
    assertThat(podSpecs(render("(defaults)")).get(0).getContainers().get(0).getEnv())
        .noneMatch(e -> e.getName().equals("PITCREW_CLUSTERS"));
  }

  @Test
  void theClassDataArchiveIsWrittenByTheSameImageAndMappedByEveryStart() throws Exception {
    PodSpec pod = podSpecs(render("(defaults)")).get(0);

    Container train = pod.getInitContainers().get(0);
    Container pitcrew = pod.getContainers().get(0);
    assertThat(train.getImage()).isEqualTo(pitcrew.getImage());
    assertThat(train.getArgs()).containsExactly("cds-train");
    assertThat(train.getCommand()).isEmpty(); // the image's entrypoint: same flags, same class path
    assertThat(env(train, "JDK_JAVA_OPTIONS"))
        .contains("-XX:ArchiveClassesAtExit=/cds/pitcrew.jsa");
    assertThat(env(pitcrew, "JDK_JAVA_OPTIONS"))
        .isEqualTo("-XX:SharedArchiveFile=/cds/pitcrew.jsa");
    assertThat(train.getResources()).isEqualTo(pitcrew.getResources());
    assertThat(pitcrew.getVolumeMounts())
        .anySatisfy(
            m -> {
              assertThat(m.getMountPath()).isEqualTo("/cds");
              assertThat(m.getReadOnly()).isTrue();
            });

    PodSpec without = podSpecs(render("(defaults)", Map.of("cds.enabled", "false"))).get(0);
    assertThat(without.getInitContainers()).isEmpty();
    assertThat(without.getContainers().get(0).getEnv())
        .noneMatch(e -> e.getName().equals("JDK_JAVA_OPTIONS"));
  }

  private static String env(Container container, String name) {
    return container.getEnv().stream()
        .filter(e -> e.getName().equals(name))
        .map(EnvVar::getValue)
        .findFirst()
        .orElse(null);
  }

  private static List<HasMetadata> render(String values) throws Exception {
    return render(values, Map.of());
  }

  private static List<HasMetadata> render(String values, Map<String, String> set) throws Exception {
    TemplateCommand template =
        new Helm(CHART)
            .template()
            .withName("pitcrew")
            .withNamespace("pitcrew")
            .withKubeVersion("1.31.0");
    if (!values.equals("(defaults)")) {
      template = template.withValuesFile(CHART.resolve("ci").resolve(values)); // or absolute
    }
    for (Map.Entry<String, String> e : set.entrySet()) {
      template = template.set(e.getKey(), e.getValue());
    }
    String yaml = template.call();
    return OFFLINE.load(new ByteArrayInputStream(yaml.getBytes(StandardCharsets.UTF_8))).items();
  }

  /** Renders with these values on top of the defaults, as {@code helm template -f} would. */
  private static List<HasMetadata> renderYaml(String values) throws Exception {
    Path file = Files.createTempFile("pitcrew-values", ".yaml");
    try {
      Files.writeString(file, values);
      return render(file.toAbsolutePath().toString(), Map.of());
    } finally {
      Files.delete(file);
    }
  }

  private static List<PodSpec> podSpecs(List<HasMetadata> objects) {
    return objects.stream()
        .filter(io.fabric8.kubernetes.api.model.apps.Deployment.class::isInstance)
        .map(
            o ->
                ((io.fabric8.kubernetes.api.model.apps.Deployment) o)
                    .getSpec()
                    .getTemplate()
                    .getSpec())
        .toList();
  }

  private static Map<String, String> env(List<HasMetadata> objects) {
    Map<String, String> env = new LinkedHashMap<>();
    for (EnvVar var : podSpecs(objects).get(0).getContainers().get(0).getEnv()) {
      env.put(
          var.getName(),
          Optional.ofNullable(var.getValue()).orElse("(from " + var.getValueFrom() + ")"));
    }
    return env;
  }

  private static <T extends HasMetadata> T named(
      List<HasMetadata> objects, Class<T> type, String name) {
    return objects.stream()
        .filter(type::isInstance)
        .map(type::cast)
        .filter(o -> o.getMetadata().getName().equals(name))
        .findFirst()
        .orElseThrow(
            () -> new AssertionError("no " + type.getSimpleName() + " " + name + " in " + objects));
  }
}
