package io.neurostream.deploy;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.autoscaling.v2.HorizontalPodAutoscaler;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudget;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * {@link ManifestPolicy}'s scaling rules: the classifier is autoscaled and covered by a disruption
 * budget; autoscalers target existing workloads, one per workload, never more replicas than
 * partitions of mri.scans, and the KEDA trigger watches the classifier's real consumer group.
 */
final class ScalingRules {

  private ScalingRules() {}

  /** The scaling and availability checks, in order. */
  static void check(Manifests manifests, List<String> out) {
    checkClassifierScalingAndBudget(manifests, out);
    checkAutoscalers(manifests, out);
  }

  private static void checkClassifierScalingAndBudget(Manifests manifests, List<String> out) {
    for (Deployment deployment : manifests.all(Deployment.class)) {
      if (!ManifestPolicy.isClassifier(deployment)) {
        continue;
      }
      boolean scaled =
          manifests.all(HorizontalPodAutoscaler.class).stream()
                  .anyMatch(h -> h.getSpec().getScaleTargetRef().getName()
                      .equals(deployment.getMetadata().getName()))
              || manifests.all(Keda.ScaledObject.class).stream()
                  .anyMatch(s -> s.spec().scaleTargetRef().name()
                      .equals(deployment.getMetadata().getName()));
      if (!scaled) {
        out.add("Deployment " + deployment.getMetadata().getName()
            + ": the classifier needs an autoscaler (components/keda or components/hpa)");
      }
      Map<String, String> labels = deployment.getSpec().getTemplate().getMetadata().getLabels();
      boolean covered =
          manifests.all(PodDisruptionBudget.class).stream()
              .anyMatch(pdb -> NetworkRules.selects(pdb.getSpec().getSelector(), labels));
      if (!covered) {
        out.add("Deployment " + deployment.getMetadata().getName()
            + ": no PodDisruptionBudget covers the classifier pods");
      }
    }
  }

  private static void checkAutoscalers(Manifests manifests, List<String> out) {
    int partitions = ScansTopic.partitions();
    Map<String, String> scaledBy = new LinkedHashMap<>();
    for (HorizontalPodAutoscaler hpa : manifests.all(HorizontalPodAutoscaler.class)) {
      String at = "HorizontalPodAutoscaler " + hpa.getMetadata().getName();
      var ref = hpa.getSpec().getScaleTargetRef();
      Optional<Deployment> target = "Deployment".equals(ref.getKind())
          ? manifests.find(Deployment.class, ref.getName()) : Optional.empty();
      if (target.isEmpty()) {
        out.add(at + ": scale target " + ref.getKind() + " " + ref.getName() + " does not exist");
        continue;
      }
      claim(scaledBy, ref.getName(), at, out);
      checkNoFixedReplicas(target.get(), at, out);
      if (ManifestPolicy.isClassifier(target.get()) && hpa.getSpec().getMaxReplicas() > partitions) {
        out.add(at + ": maxReplicas " + hpa.getSpec().getMaxReplicas() + " exceeds the "
            + partitions + " partitions of " + ScansTopic.name() + " (extra classifiers idle)");
      }
    }
    for (Keda.ScaledObject scaled : manifests.all(Keda.ScaledObject.class)) {
      String at = "ScaledObject " + scaled.metadata().getName();
      checkScaledObject(manifests, at, scaled, partitions, scaledBy, out);
    }
  }

  private static void checkScaledObject(
      Manifests manifests,
      String at,
      Keda.ScaledObject scaled,
      int partitions,
      Map<String, String> scaledBy,
      List<String> out) {
    Keda.ScaledObjectSpec spec = scaled.spec();
    Keda.ScaleTargetRef ref = spec.scaleTargetRef();
    String kind = ref.kind() == null ? "Deployment" : ref.kind();
    Optional<Deployment> target =
        "Deployment".equals(kind) ? manifests.find(Deployment.class, ref.name()) : Optional.empty();
    if (target.isEmpty()) {
      out.add(at + ": scale target " + kind + " " + ref.name() + " does not exist");
      return;
    }
    claim(scaledBy, ref.name(), at, out);
    checkNoFixedReplicas(target.get(), at, out);
    if (spec.maxReplicaCount() == null || spec.maxReplicaCount() > partitions) {
      out.add(at + ": maxReplicaCount " + spec.maxReplicaCount() + " must be set and at most the "
          + partitions + " partitions of " + ScansTopic.name());
    }
    if (spec.minReplicaCount() != null && spec.maxReplicaCount() != null
        && spec.minReplicaCount() > spec.maxReplicaCount()) {
      out.add(at + ": minReplicaCount exceeds maxReplicaCount");
    }
    if (spec.triggers() == null || spec.triggers().isEmpty()) {
      out.add(at + ": no triggers");
      return;
    }
    Container container = target.get().getSpec().getTemplate().getSpec().getContainers().get(0);
    Map<String, String> env = ManifestPolicy.environment(manifests, container);
    for (Keda.Trigger trigger : spec.triggers()) {
      if (!"kafka".equals(trigger.type())) {
        out.add(at + ": trigger type " + trigger.type() + " is not kafka (consumer lag)");
        continue;
      }
      Keda.KafkaTriggerMetadata meta = trigger.metadata();
      if (!ScansTopic.name().equals(meta.topic())) {
        out.add(at + ": trigger topic " + meta.topic() + " is not " + ScansTopic.name());
      }
      if (!"false".equals(meta.allowIdleConsumers())) {
        out.add(at + ": allowIdleConsumers must be \"false\" (idle Streams instances add nothing)");
      }
      if (!isPositiveInteger(meta.lagThreshold())) {
        out.add(at + ": lagThreshold " + meta.lagThreshold() + " must be a positive integer");
      }
      String group = ManifestPolicy.first(env.get("NEUROSTREAM_APPLICATION_ID"), env.get("KAFKA_APPLICATION_ID"));
      if (group == null || !group.equals(meta.consumerGroup())) {
        out.add(at + ": consumerGroup " + meta.consumerGroup() + " is not the classifier's"
            + " application.id " + group);
      }
      String brokers = env.get("KAFKA_BOOTSTRAP_SERVERS");
      if (brokers == null || !brokers.equals(meta.bootstrapServers())) {
        out.add(at + ": bootstrapServers " + meta.bootstrapServers() + " differs from the"
            + " classifier's KAFKA_BOOTSTRAP_SERVERS " + brokers);
      }
      String protocol = env.getOrDefault("KAFKA_SECURITY_PROTOCOL", "PLAINTEXT");
      if (protocol.startsWith("SASL") && trigger.authenticationRef() == null) {
        out.add(at + ": the cluster uses " + protocol + " but the trigger has no"
            + " authenticationRef; KEDA could not read the lag");
      }
      if (trigger.authenticationRef() != null
          && !"ClusterTriggerAuthentication".equals(trigger.authenticationRef().kind())
          && manifests.find(Keda.TriggerAuthentication.class, trigger.authenticationRef().name())
              .isEmpty()) {
        out.add(at + ": TriggerAuthentication " + trigger.authenticationRef().name()
            + " does not exist");
      }
    }
  }

  private static void checkNoFixedReplicas(Deployment target, String by, List<String> out) {
    if (target.getSpec().getReplicas() != null) {
      out.add("Deployment " + target.getMetadata().getName() + ": remove spec.replicas, " + by
          + " owns the count (kubectl apply would reset it)");
    }
  }

  private static void claim(Map<String, String> scaledBy, String target, String by, List<String> out) {
    String previous = scaledBy.putIfAbsent(target, by);
    if (previous != null) {
      out.add(by + " and " + previous + " both scale " + target + "; keep one (KEDA makes its own"
          + " HPA)");
    }
  }

  private static boolean isPositiveInteger(String value) {
    try {
      return value != null && Long.parseLong(value) > 0;
    } catch (NumberFormatException e) {
      return false;
    }
  }
}
