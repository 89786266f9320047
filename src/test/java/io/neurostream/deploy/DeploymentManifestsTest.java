package io.neurostream.deploy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.autoscaling.v2.HorizontalPodAutoscaler;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Renders every overlay with {@code kubectl kustomize}, parses each object strictly into its typed
 * model, and holds it to {@link ManifestPolicy}; then corrupts rendered objects one way at a time
 * to show each rule can fail.
 */
class DeploymentManifestsTest {

  private static final Path OVERLAYS = Path.of("k8s", "overlays");
  private static final Map<String, String> RENDERED = new ConcurrentHashMap<>();

  // --- every overlay --------------------------------------------------------------------------

  @ParameterizedTest
  @ValueSource(strings = {"dev", "production", "gpu"})
  void shouldRenderIntoStrictlyTypedObjects(String overlay) {
    // when
    Manifests manifests = manifests(overlay);

    // then: the workloads and their companions are all there, each in its typed model
    assertThat(manifests.all(Deployment.class))
        .extracting(d -> d.getMetadata().getName())
        .containsExactlyInAnyOrder("classifier", "trainer", "console");
    assertThat(manifests.objects())
        .extracting(o -> o.getClass().getSimpleName() + "/" + Manifests.nameOf(o))
        .contains(
            "ServiceAccount/classifier", "ServiceAccount/trainer",
            "Service/classifier", "Service/trainer",
            "PersistentVolumeClaim/trainer-state",
            "PodDisruptionBudget/classifier",
            "NetworkPolicy/classifier", "NetworkPolicy/trainer");
    assertThat(manifests.all(ConfigMap.class))
        .extracting(c -> c.getMetadata().getName())
        .singleElement(org.assertj.core.api.InstanceOfAssertFactories.STRING)
        .startsWith("neurostream-config-");
  }

  @ParameterizedTest
  @ValueSource(strings = {"dev", "production", "gpu"})
  void shouldSatisfyThePolicy(String overlay) {
    assertThat(ManifestPolicy.violations(manifests(overlay))).isEmpty();
  }

  @ParameterizedTest
  @ValueSource(strings = {"dev", "production", "gpu"})
  void classifierShouldKeepStateAndDjlCacheOnEmptyDirsAndProbePort9404(String overlay) {
    Manifests manifests = manifests(overlay);
    Map<String, Volume> volumes = ManifestPolicy.volumesByMountPath(manifests, "classifier");
    assertThat(volumes.get("/var/lib/neurostream/state").getEmptyDir()).isNotNull();
    assertThat(volumes.get("/var/cache/djl").getEmptyDir()).isNotNull();
    assertThat(volumes.get("/tmp").getEmptyDir()).isNotNull();

    Container classifier = ManifestPolicy.container(manifests, "classifier");
    assertThat(classifier.getArgs()).containsExactly("classifier");
    assertThat(classifier.getPorts()).extracting(p -> p.getContainerPort()).containsExactly(9404);
    assertThat(classifier.getSecurityContext().getRunAsUser()).isEqualTo(10001L);
    assertThat(ManifestPolicy.environment(manifests, classifier))
        .containsEntry("NEUROSTREAM_APPLICATION_ID", "neurostream-classifier")
        .containsEntry("NEUROSTREAM_METRICS_PORT", "9404");
  }

  @ParameterizedTest
  @ValueSource(strings = {"dev", "production", "gpu"})
  void classifierEnvironmentShouldPassTheClassifiersOwnStartUpCheck(String overlay) {
    // given the classifier container's environment as the overlay renders it
    Manifests manifests = manifests(overlay);
    Map<String, String> env = ManifestPolicy.environment(manifests,
        ManifestPolicy.container(manifests, "classifier"));

    // when the classifier loads it: ranges, and a batch bound within the poll and transaction limits
    io.neurostream.classifier.ClassifierConfig config = io.neurostream.classifier.ClassifierConfig.from(
        io.neurostream.config.Configuration.load(
            io.neurostream.config.ConfigSources.builder().optEnv(env).build(),
            new io.neurostream.config.CommonKeys(), new io.neurostream.classifier.ClassifierKeys()));

    // then it starts, with the batch size the overlay asks for
    assertThat(config.topology().batchMaxSize())
        .isEqualTo(Integer.parseInt(env.getOrDefault("NEUROSTREAM_BATCH_MAX_SIZE", "32")));
  }

  @ParameterizedTest
  @ValueSource(strings = {"dev", "production", "gpu"})
  void trainerShouldKeepStateOnItsClaimAndProbePort9405(String overlay) {
    Manifests manifests = manifests(overlay);
    Map<String, Volume> volumes = ManifestPolicy.volumesByMountPath(manifests, "trainer");
    assertThat(volumes.get("/var/lib/neurostream/state").getPersistentVolumeClaim().getClaimName())
        .isEqualTo("trainer-state");
    assertThat(manifests.get(Deployment.class, "trainer").getSpec().getStrategy().getType())
        .as("a ReadWriteOnce claim cannot be shared by old and new pod")
        .isEqualTo("Recreate");
    Container trainer = ManifestPolicy.container(manifests, "trainer");
    assertThat(trainer.getArgs()).containsExactly("trainer");
    assertThat(trainer.getPorts()).extracting(p -> p.getContainerPort()).containsExactly(9405);
  }

  // --- what each overlay is for ---------------------------------------------------------------

  @Test
  void devShouldScaleOnCpuWithTheHpaWithinThePartitions() {
    Manifests dev = manifests("dev");
    assertThat(dev.all(Keda.ScaledObject.class)).isEmpty();
    HorizontalPodAutoscaler hpa = dev.get(HorizontalPodAutoscaler.class, "classifier");
    assertThat(hpa.getSpec().getScaleTargetRef().getName()).isEqualTo("classifier");
    assertThat(hpa.getSpec().getMaxReplicas()).isBetween(1, ScansTopic.partitions());
    assertThat(hpa.getSpec().getMetrics()).extracting(m -> m.getResource().getName())
        .containsExactly("cpu");
  }

  @Test
  void productionShouldScaleOnTheClassifierGroupsLagOnScans() {
    Manifests production = manifests("production");
    assertThat(production.all(HorizontalPodAutoscaler.class)).isEmpty();
    Keda.ScaledObject scaled = production.get(Keda.ScaledObject.class, "classifier");
    assertThat(scaled.spec().maxReplicaCount()).isLessThanOrEqualTo(ScansTopic.partitions());
    Keda.Trigger trigger = scaled.spec().triggers().get(0);
    assertThat(trigger.type()).isEqualTo("kafka");
    assertThat(trigger.metadata().consumerGroup()).isEqualTo("neurostream-classifier");
    assertThat(trigger.metadata().topic()).isEqualTo("mri.scans");
    assertThat(trigger.metadata().allowIdleConsumers()).isEqualTo("false");
    assertThat(trigger.metadata().lagThreshold()).isNotBlank();
    assertThat(production.get(Keda.TriggerAuthentication.class, trigger.authenticationRef().name())
            .spec().secretTargetRef())
        .extracting(Keda.SecretTargetRef::parameter)
        .contains("sasl", "username", "password", "tls", "ca");
  }

  @Test
  void productionShouldSpeakSaslSslWithReplicationThreeAndReferenceItsSecrets() {
    Manifests production = manifests("production");
    Map<String, String> config = production.all(ConfigMap.class).get(0).getData();
    assertThat(config)
        .containsEntry("KAFKA_SECURITY_PROTOCOL", "SASL_SSL")
        .containsEntry("NEUROSTREAM_REPLICATION_FACTOR", "3");
    for (String deployment : List.of("classifier", "trainer")) {
      Container container = ManifestPolicy.container(production, deployment);
      EnvVar jaas = container.getEnv().stream()
          .filter(e -> e.getName().equals("KAFKA_SASL_JAAS_CONFIG")).findFirst().orElseThrow();
      assertThat(jaas.getValue()).as("credentials are referenced, not written").isNull();
      assertThat(jaas.getValueFrom().getSecretKeyRef().getName()).isEqualTo("neurostream-kafka-user");
      assertThat(container.getVolumeMounts())
          .anySatisfy(m -> assertThat(m.getMountPath()).isEqualTo("/etc/neurostream/kafka-ca"));
    }
    assertThat(production.get(Keda.ScaledObject.class, "classifier").spec().minReplicaCount())
        .as("production runs at least three classifiers")
        .isGreaterThanOrEqualTo(3);
  }

  @Test
  void gpuOverlayShouldRunTheCudaImageWithOneGpuPerPodOnGpuNodes() {
    Manifests gpu = manifests("gpu");
    for (Deployment deployment : gpu.all(Deployment.class)) {
      PodSpec pod = deployment.getSpec().getTemplate().getSpec();
      Container container = pod.getContainers().get(0);
      assertThat(container.getImage()).isEqualTo("ghcr.io/neurostream/neurostream:0.1.0-gpu");
      assertThat(container.getResources().getLimits())
          .containsEntry("nvidia.com/gpu", new Quantity("1"));
      assertThat(pod.getNodeSelector()).containsEntry("nvidia.com/gpu.present", "true");
      assertThat(pod.getTolerations()).anySatisfy(t -> assertThat(t.getKey()).isEqualTo("nvidia.com/gpu"));
    }
    assertThat(gpu.get(Keda.ScaledObject.class, "classifier").spec().maxReplicaCount())
        .isLessThanOrEqualTo(ScansTopic.partitions());
  }

  // --- the checks can fail --------------------------------------------------------------------

  @Test
  void shouldRejectAnUnknownFieldInATypedObject() {
    // given: a typo that fabric8's any-setter would otherwise swallow
    List<JsonNode> docs = documents("dev");
    container(object(docs, "Deployment", "classifier")).putObject("readinessProbes");

    // when/then
    assertThatThrownBy(() -> Manifests.of("dev", docs))
        .isInstanceOf(StrictYaml.StrictnessException.class)
        .hasMessageContaining("Deployment classifier")
        .hasMessageContaining("readinessProbes");
  }

  @Test
  void shouldRejectAnUnknownFieldInAKedaObject() {
    List<JsonNode> docs = documents("production");
    ((ObjectNode) object(docs, "ScaledObject", "classifier").get("spec")).put("maxReplicas", 3);

    assertThatThrownBy(() -> Manifests.of("production", docs))
        .isInstanceOf(StrictYaml.StrictnessException.class)
        .hasMessageContaining("maxReplicas");
  }

  @Test
  void shouldRejectANumberWhereKubernetesWantsAString() {
    List<JsonNode> docs = documents("production");
    ((ObjectNode) object(docs, "ScaledObject", "classifier").at("/spec/triggers/0/metadata"))
        .put("lagThreshold", 200);

    assertThatThrownBy(() -> Manifests.of("production", docs))
        .isInstanceOf(StrictYaml.StrictnessException.class)
        .hasMessageContaining("String");
  }

  @Test
  void shouldRefuseACommittedSecret() {
    String secret = "apiVersion: v1\nkind: Secret\nmetadata:\n  name: leaked\nstringData:\n  a: b\n";
    assertThatThrownBy(() -> Manifests.parse("inline", secret))
        .hasMessageContaining("Secret leaked")
        .hasMessageContaining("reference");
  }

  @Test
  void shouldFlagAContainerThatMayRunAsRoot() {
    List<JsonNode> docs = documents("dev");
    ObjectNode deployment = object(docs, "Deployment", "classifier");
    ((ObjectNode) deployment.at("/spec/template/spec/securityContext")).remove("runAsNonRoot");
    ((ObjectNode) container(deployment).get("securityContext")).remove("runAsNonRoot");

    assertThat(ManifestPolicy.violations(Manifests.of("dev", docs)))
        .containsExactly("Deployment classifier container classifier: runAsNonRoot must be true");
  }

  @Test
  void shouldFlagAWritableRootFilesystemAndKeptCapabilities() {
    List<JsonNode> docs = documents("dev");
    ObjectNode sc = (ObjectNode) container(object(docs, "Deployment", "trainer")).get("securityContext");
    sc.put("readOnlyRootFilesystem", false);
    sc.remove("capabilities");

    assertThat(ManifestPolicy.violations(Manifests.of("dev", docs)))
        .containsExactlyInAnyOrder(
            "Deployment trainer container trainer: readOnlyRootFilesystem must be true",
            "Deployment trainer container trainer: capabilities must drop ALL");
  }

  @Test
  void shouldFlagLatestAndUntaggedImages() {
    List<JsonNode> docs = documents("dev");
    container(object(docs, "Deployment", "classifier")).put("image", "ghcr.io/neurostream/neurostream:latest");
    container(object(docs, "Deployment", "trainer")).put("image", "ghcr.io/neurostream/neurostream");

    assertThat(ManifestPolicy.violations(Manifests.of("dev", docs)))
        .anySatisfy(v -> assertThat(v).contains("classifier").contains("moving tag latest"))
        .anySatisfy(v -> assertThat(v).contains("trainer").contains("has no tag"));
  }

  @Test
  void shouldFlagMissingProbesAndLimits() {
    List<JsonNode> docs = documents("dev");
    ObjectNode classifier = container(object(docs, "Deployment", "classifier"));
    classifier.remove("readinessProbe");
    ((ObjectNode) classifier.at("/resources/limits")).remove("memory");
    ((ObjectNode) classifier.at("/livenessProbe/httpGet")).put("path", "/healthz");

    assertThat(ManifestPolicy.violations(Manifests.of("dev", docs)))
        .containsExactlyInAnyOrder(
            "Deployment classifier container classifier: resources.limits.memory is missing",
            "Deployment classifier container classifier: readinessProbe must be an HTTP GET of /ready",
            "Deployment classifier container classifier: livenessProbe path is /healthz, expected /live");
  }

  @Test
  void shouldFlagEnvironmentVariablesTheApplicationDoesNotRead() {
    List<JsonNode> docs = documents("dev");
    ArrayNode env = (ArrayNode) container(object(docs, "Deployment", "classifier")).get("env");
    env.addObject().put("name", "NEUROSTREAM_BATCH_SIZE").put("value", "8");
    ((ObjectNode) object(docs, "ConfigMap", null).get("data")).put("KAFKA_SECURITY_PROTOKOL", "SSL");

    assertThat(ManifestPolicy.violations(Manifests.of("dev", docs)))
        .anySatisfy(v -> assertThat(v).contains("NEUROSTREAM_BATCH_SIZE is not a NeuroStream"))
        .anySatisfy(v -> assertThat(v).contains("KAFKA_SECURITY_PROTOKOL").contains("security.protokol"));
  }

  @Test
  void shouldFlagArgumentsTheCliRejects() {
    List<JsonNode> docs = documents("dev");
    ArrayNode args = (ArrayNode) container(object(docs, "Deployment", "trainer")).get("args");
    args.removeAll().add("retrain");

    assertThat(ManifestPolicy.violations(Manifests.of("dev", docs)))
        .containsExactly("Deployment trainer container trainer: 'retrain' is not a neurostream"
            + " subcommand; see neurostream --help");
  }

  @Test
  void shouldFlagMoreKedaReplicasThanPartitionsAndIdleConsumers() {
    List<JsonNode> docs = documents("production");
    ObjectNode scaled = object(docs, "ScaledObject", "classifier");
    ((ObjectNode) scaled.get("spec")).put("maxReplicaCount", ScansTopic.partitions() + 1);
    ((ObjectNode) scaled.at("/spec/triggers/0/metadata")).put("allowIdleConsumers", "true");

    assertThat(ManifestPolicy.violations(Manifests.of("production", docs)))
        .anySatisfy(v -> assertThat(v).contains("maxReplicaCount " + (ScansTopic.partitions() + 1)))
        .anySatisfy(v -> assertThat(v).contains("allowIdleConsumers must be"));
  }

  @Test
  void shouldFlagAKedaTriggerWatchingAnotherGroupOrCluster() {
    List<JsonNode> docs = documents("production");
    ObjectNode metadata =
        (ObjectNode) object(docs, "ScaledObject", "classifier").at("/spec/triggers/0/metadata");
    metadata.put("consumerGroup", "classifier");
    metadata.put("bootstrapServers", "kafka:9092");

    assertThat(ManifestPolicy.violations(Manifests.of("production", docs)))
        .anySatisfy(v -> assertThat(v).contains("consumerGroup classifier is not"))
        .anySatisfy(v -> assertThat(v).contains("bootstrapServers kafka:9092 differs"));
  }

  @Test
  void shouldFlagTwoAutoscalersOnOneDeployment() {
    List<JsonNode> docs = documents("production");
    docs.add(object(documents("dev"), "HorizontalPodAutoscaler", "classifier"));

    assertThat(ManifestPolicy.violations(Manifests.of("production", docs)))
        .anySatisfy(v -> assertThat(v).contains("both scale classifier"));
  }

  @Test
  void shouldFlagFixedReplicasOnAnAutoscaledDeployment() {
    List<JsonNode> docs = documents("dev");
    ((ObjectNode) object(docs, "Deployment", "classifier").get("spec")).put("replicas", 2);

    assertThat(ManifestPolicy.violations(Manifests.of("dev", docs)))
        .containsExactly("Deployment classifier: remove spec.replicas, HorizontalPodAutoscaler"
            + " classifier owns the count (kubectl apply would reset it)");
  }

  @Test
  void shouldFlagAClassifierWithoutAutoscaler() {
    List<JsonNode> docs = documents("dev");
    docs.remove(object(docs, "HorizontalPodAutoscaler", "classifier"));

    assertThat(ManifestPolicy.violations(Manifests.of("dev", docs)))
        .containsExactly("Deployment classifier: the classifier needs an autoscaler"
            + " (components/keda or components/hpa)");
  }

  @Test
  void shouldFlagAWorkloadNoNetworkPolicyCovers() {
    List<JsonNode> docs = documents("dev");
    docs.remove(object(docs, "NetworkPolicy", "trainer"));

    assertThat(ManifestPolicy.violations(Manifests.of("dev", docs)))
        .containsExactly("Deployment trainer: no NetworkPolicy selects its pods");
  }

  @Test
  void shouldNameTheFixWhenKubectlIsMissing() {
    assertThatThrownBy(() -> KubectlKustomize.render("/nonexistent/kubectl", OVERLAYS.resolve("dev")))
        .hasMessageContaining("install kubectl")
        .hasMessageContaining("KUBECTL=");
  }

  // --- helpers --------------------------------------------------------------------------------

  private static Manifests manifests(String overlay) {
    return Manifests.parse(overlay, rendered(overlay));
  }

  private static String rendered(String overlay) {
    return RENDERED.computeIfAbsent(overlay, o -> KubectlKustomize.render(OVERLAYS.resolve(o)));
  }

  /** Fresh mutable copies of an overlay's rendered documents. */
  private static List<JsonNode> documents(String overlay) {
    return new java.util.ArrayList<>(StrictYaml.documents(rendered(overlay)));
  }

  /** The document of {@code kind} named {@code name} (any name when null). */
  private static ObjectNode object(List<JsonNode> docs, String kind, String name) {
    return (ObjectNode)
        docs.stream()
            .filter(d -> d.path("kind").asText().equals(kind))
            .filter(d -> name == null || d.at("/metadata/name").asText().equals(name))
            .findFirst()
            .orElseThrow(() -> new AssertionError("no " + kind + " " + name));
  }

  private static ObjectNode container(ObjectNode deployment) {
    return (ObjectNode) deployment.at("/spec/template/spec/containers/0");
  }
}
