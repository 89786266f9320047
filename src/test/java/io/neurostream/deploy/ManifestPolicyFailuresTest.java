package io.neurostream.deploy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static io.neurostream.deploy.RenderedOverlays.OVERLAYS;
import static io.neurostream.deploy.RenderedOverlays.container;
import static io.neurostream.deploy.RenderedOverlays.documents;
import static io.neurostream.deploy.RenderedOverlays.object;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.autoscaling.v2.HorizontalPodAutoscaler;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Corrupts rendered overlays one way at a time to show each rule of {@link ManifestPolicy} and of
 * the strict parsing can fail, naming the problem.
 */
class ManifestPolicyFailuresTest {

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
}
