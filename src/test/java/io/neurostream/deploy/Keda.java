package io.neurostream.deploy;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.fabric8.kubernetes.api.model.ObjectMeta;
import io.fabric8.kubernetes.api.model.autoscaling.v2.HorizontalPodAutoscalerBehavior;
import java.util.List;

/**
 * Strict models of the KEDA custom resources we ship ({@code keda.sh/v1alpha1}), since fabric8
 * has none. Only the fields KEDA documents are declared; with {@link StrictYaml} anything else
 * (a typo such as {@code maxReplicas}) fails to parse. Trigger metadata is modelled for the
 * {@code kafka} scaler only, the one we use: its values are strings in KEDA's API.
 */
final class Keda {

  private Keda() {}

  /** {@code keda.sh/v1alpha1 ScaledObject}. */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  record ScaledObject(String apiVersion, String kind, ObjectMeta metadata, ScaledObjectSpec spec) {}

  /** ScaledObject spec. */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  record ScaledObjectSpec(
      ScaleTargetRef scaleTargetRef,
      Integer pollingInterval,
      Integer cooldownPeriod,
      Integer initialCooldownPeriod,
      Integer idleReplicaCount,
      Integer minReplicaCount,
      Integer maxReplicaCount,
      Fallback fallback,
      Advanced advanced,
      List<Trigger> triggers) {}

  /** What is scaled (a Deployment by default). */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  record ScaleTargetRef(String apiVersion, String kind, String name, String envSourceContainerName) {}

  /** Replicas to hold when the scaler fails. */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  record Fallback(Integer failureThreshold, Integer replicas) {}

  /** Tuning of the HPA KEDA creates. */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  record Advanced(HpaConfig horizontalPodAutoscalerConfig, Boolean restoreToOriginalReplicaCount) {}

  /** The generated HPA's name and behavior (the autoscaling/v2 type, itself strictly parsed). */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  record HpaConfig(String name, HorizontalPodAutoscalerBehavior behavior) {}

  /** One trigger; {@code metadata} as the kafka scaler defines it. */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  record Trigger(
      String type,
      String name,
      Boolean useCachedMetrics,
      String metricType,
      KafkaTriggerMetadata metadata,
      AuthenticationRef authenticationRef) {}

  /** The kafka scaler's metadata (https://keda.sh/docs/latest/scalers/apache-kafka/). */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  record KafkaTriggerMetadata(
      String bootstrapServers,
      String consumerGroup,
      String topic,
      String lagThreshold,
      String activationLagThreshold,
      String offsetResetPolicy,
      String allowIdleConsumers,
      String scaleToZeroOnInvalidOffset,
      String excludePersistentLag,
      String limitToPartitionsWithLag,
      String partitionLimitation,
      String ensureEvenDistributionOfPartitions,
      String version,
      String sasl,
      String tls,
      String unsafeSsl) {}

  /** Reference to a TriggerAuthentication (or ClusterTriggerAuthentication). */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  record AuthenticationRef(String name, String kind) {}

  /** {@code keda.sh/v1alpha1 TriggerAuthentication}. */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  record TriggerAuthentication(
      String apiVersion, String kind, ObjectMeta metadata, TriggerAuthenticationSpec spec) {}

  /** Where the scaler's credentials come from: Secrets or the target's environment. */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  record TriggerAuthenticationSpec(List<SecretTargetRef> secretTargetRef, List<EnvRef> env) {}

  /** One scaler parameter read from a Secret key. */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  record SecretTargetRef(String parameter, String name, String key) {}

  /** One scaler parameter read from the scale target's environment. */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  record EnvRef(String parameter, String name, String containerName) {}
}
