package io.neurostream.deploy;

import static org.assertj.core.api.Assertions.assertThat;
import static io.neurostream.deploy.RenderedOverlays.container;
import static io.neurostream.deploy.RenderedOverlays.manifests;
import static io.neurostream.deploy.RenderedOverlays.object;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.autoscaling.v2.HorizontalPodAutoscaler;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Renders every overlay with {@code kubectl kustomize}, parses each object strictly into its typed
 * model, and holds it to {@link ManifestPolicy} and to what each workload needs; {@link
 * ManifestPolicyFailuresTest} shows each rule can fail.
 */
class DeploymentManifestsTest {

  // --- every overlay --------------------------------------------------------------------------

  @ParameterizedTest
  @ValueSource(strings = {"dev", "production", "gpu"})
  void shouldRenderIntoStrictlyTypedObjects(String overlay) {
    // when
    Manifests manifests = manifests(overlay);

    // then: the workloads and their companions are all there, each in its typed model
    assertThat(manifests.all(Deployment.class))
        .extracting(d -> d.getMetadata().getName())
        .containsExactlyInAnyOrder("classifier", "trainer", "console", "gateway");
    assertThat(manifests.objects())
        .extracting(o -> o.getClass().getSimpleName() + "/" + Manifests.nameOf(o))
        .contains(
            "ServiceAccount/classifier", "ServiceAccount/trainer",
            "Service/classifier", "Service/trainer",
            "PersistentVolumeClaim/trainer-state",
            "PodDisruptionBudget/classifier",
            "NetworkPolicy/classifier", "NetworkPolicy/trainer",
            "ServiceAccount/gateway", "Service/gateway", "NetworkPolicy/gateway");
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

  @ParameterizedTest
  @ValueSource(strings = {"dev", "production", "gpu"})
  void classifierShouldBeAStaticMemberNamedAfterItsPodAndLeaveTheGroupOnSigterm(String overlay) {
    Container classifier = ManifestPolicy.container(manifests(overlay), "classifier");
    var instanceId = classifier.getEnv().stream()
        .filter(e -> e.getName().equals("KAFKA_MAIN_CONSUMER_GROUP_INSTANCE_ID")).findFirst();
    assertThat(instanceId).as("static membership (issue 13 D)").isPresent();
    assertThat(instanceId.get().getValueFrom().getFieldRef().getFieldPath())
        .isEqualTo("metadata.name");
    assertThat(classifier.getEnv()).noneMatch(e -> e.getName().equals("NEUROSTREAM_LEAVE_GROUP_ON_CLOSE")
        && "false".equals(e.getValue()));
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
}
