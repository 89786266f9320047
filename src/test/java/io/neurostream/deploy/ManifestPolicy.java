package io.neurostream.deploy;

import io.fabric8.kubernetes.api.model.Capabilities;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerPort;
import io.fabric8.kubernetes.api.model.EnvFromSource;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.LabelSelector;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaim;
import io.fabric8.kubernetes.api.model.PodSecurityContext;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.PodTemplateSpec;
import io.fabric8.kubernetes.api.model.Probe;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.SeccompProfile;
import io.fabric8.kubernetes.api.model.SecurityContext;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.VolumeMount;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.autoscaling.v2.HorizontalPodAutoscaler;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicy;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyEgressRule;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyIngressRule;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyPort;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudget;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * The rules every rendered NeuroStream overlay must follow, as a list of violations (empty = ok),
 * so a test can show both that our manifests pass and that a broken one is caught.
 *
 * <p>Pods: non-root with a fixed uid, read-only root filesystem with the writable paths mounted,
 * no privilege escalation, all capabilities dropped, RuntimeDefault seccomp, requests and limits,
 * {@code /ready} and {@code /live} probes on the metrics port, pinned images, no service-link
 * variables. Configuration: referenced ConfigMaps exist, variable names are real configuration,
 * arguments parse as the CLI. Network: each workload under an ingress+egress policy limited to
 * its metrics port and to DNS/Kafka/registry. Scaling: autoscalers target existing workloads, at
 * most one per workload, never more replicas than partitions of mri.scans, and the KEDA trigger
 * watches the classifier's real consumer group and brokers.
 */
final class ManifestPolicy {

  /** Our image; containers running it get the configuration and CLI checks. */
  static final String IMAGE_REPOSITORY = "ghcr.io/neurostream/neurostream";
  /** DNS, Kafka PLAINTEXT, Kafka SASL_SSL, Schema Registry. */
  static final Set<Integer> ALLOWED_EGRESS_PORTS = Set.of(53, 9092, 9093, 8081);

  private ManifestPolicy() {}

  static List<String> violations(Manifests manifests) {
    List<String> out = new ArrayList<>();
    for (Deployment deployment : manifests.all(Deployment.class)) {
      String where = "Deployment " + deployment.getMetadata().getName();
      PodTemplateSpec template = deployment.getSpec().getTemplate();
      checkPod(manifests, where, template, out);
      checkNetworkPolicy(manifests, where, template, out);
    }
    checkClassifierScalingAndBudget(manifests, out);
    checkAutoscalers(manifests, out);
    return out;
  }

  // --- pods -----------------------------------------------------------------------------------

  private static void checkPod(
      Manifests manifests, String where, PodTemplateSpec template, List<String> out) {
    PodSpec pod = template.getSpec();
    PodSecurityContext podSecurity =
        Optional.ofNullable(pod.getSecurityContext()).orElseGet(PodSecurityContext::new);
    if (!Boolean.FALSE.equals(pod.getEnableServiceLinks())) {
      out.add(where + ": set enableServiceLinks: false (service links inject KAFKA_* variables,"
          + " which become Kafka client properties)");
    }
    if (!Boolean.FALSE.equals(pod.getAutomountServiceAccountToken())) {
      out.add(where + ": set automountServiceAccountToken: false (no NeuroStream pod calls the API)");
    }
    for (Volume volume : pod.getVolumes()) {
      if (volume.getConfigMap() != null
          && !Boolean.TRUE.equals(volume.getConfigMap().getOptional())
          && manifests.find(ConfigMap.class, volume.getConfigMap().getName()).isEmpty()) {
        out.add(where + ": volume " + volume.getName() + " mounts missing ConfigMap "
            + volume.getConfigMap().getName());
      }
      if (volume.getPersistentVolumeClaim() != null
          && manifests.find(PersistentVolumeClaim.class,
              volume.getPersistentVolumeClaim().getClaimName()).isEmpty()) {
        out.add(where + ": volume " + volume.getName() + " claims missing PVC "
            + volume.getPersistentVolumeClaim().getClaimName());
      }
    }
    List<Container> all = new ArrayList<>(pod.getInitContainers());
    all.addAll(pod.getContainers());
    for (Container container : all) {
      String at = where + " container " + container.getName();
      checkSecurity(at, podSecurity, container, out);
      checkResources(at, container, out);
      checkImage(at, container.getImage(), out);
      checkWritablePaths(manifests, at, container, out);
      if (isOurs(container)) {
        checkConfiguration(manifests, at, container, out);
        CliContract.problem(container.getArgs()).ifPresent(p -> out.add(at + ": " + p));
        if (container.getCommand() != null && !container.getCommand().isEmpty()) {
          out.add(at + ": do not override command (the image's ENTRYPOINT sets the JVM flags);"
              + " put the subcommand in args");
        }
      }
    }
    for (Container container : pod.getContainers()) {
      checkProbes(manifests, where + " container " + container.getName(), container, out);
    }
  }

  private static void checkSecurity(
      String at, PodSecurityContext pod, Container container, List<String> out) {
    SecurityContext sc =
        Optional.ofNullable(container.getSecurityContext()).orElseGet(SecurityContext::new);
    Boolean nonRoot = first(sc.getRunAsNonRoot(), pod.getRunAsNonRoot());
    if (!Boolean.TRUE.equals(nonRoot)) {
      out.add(at + ": runAsNonRoot must be true");
    }
    Long uid = first(sc.getRunAsUser(), pod.getRunAsUser());
    if (uid == null || uid == 0) {
      out.add(at + ": runAsUser must be a fixed non-zero uid (the image uses 10001)");
    }
    if (!Boolean.TRUE.equals(sc.getReadOnlyRootFilesystem())) {
      out.add(at + ": readOnlyRootFilesystem must be true");
    }
    if (!Boolean.FALSE.equals(sc.getAllowPrivilegeEscalation())) {
      out.add(at + ": allowPrivilegeEscalation must be false");
    }
    if (Boolean.TRUE.equals(sc.getPrivileged())) {
      out.add(at + ": must not be privileged");
    }
    Capabilities caps = sc.getCapabilities();
    if (caps == null || !caps.getDrop().contains("ALL")) {
      out.add(at + ": capabilities must drop ALL");
    } else if (!caps.getAdd().isEmpty()) {
      out.add(at + ": must not add capabilities " + caps.getAdd());
    }
    SeccompProfile seccomp = first(sc.getSeccompProfile(), pod.getSeccompProfile());
    if (seccomp == null || !Set.of("RuntimeDefault", "Localhost").contains(seccomp.getType())) {
      out.add(at + ": seccompProfile must be RuntimeDefault");
    }
  }

  private static void checkResources(String at, Container container, List<String> out) {
    var resources = container.getResources();
    Map<String, Quantity> requests = resources == null ? Map.of() : resources.getRequests();
    Map<String, Quantity> limits = resources == null ? Map.of() : resources.getLimits();
    for (String resource : List.of("cpu", "memory")) {
      if (!requests.containsKey(resource)) {
        out.add(at + ": resources.requests." + resource + " is missing");
      }
      if (!limits.containsKey(resource)) {
        out.add(at + ": resources.limits." + resource + " is missing");
      }
    }
  }

  /** Empty when the reference names a tag other than latest, or a digest. */
  static Optional<String> imageProblem(String image) {
    if (image == null || image.isBlank()) {
      return Optional.of("no image");
    }
    if (image.contains("@sha256:")) {
      return Optional.empty();
    }
    String lastSegment = image.substring(image.lastIndexOf('/') + 1);
    int colon = lastSegment.indexOf(':');
    if (colon < 0) {
      return Optional.of("image " + image + " has no tag (means latest); pin a version");
    }
    if (lastSegment.substring(colon + 1).equals("latest")) {
      return Optional.of("image " + image + " uses the moving tag latest; pin a version");
    }
    return Optional.empty();
  }

  private static void checkImage(String at, String image, List<String> out) {
    imageProblem(image).ifPresent(p -> out.add(at + ": " + p));
  }

  private static void checkWritablePaths(
      Manifests manifests, String at, Container container, List<String> out) {
    if (!isOurs(container)) {
      return;
    }
    Map<String, String> env = environment(manifests, container);
    List<String> needed = new ArrayList<>();
    needed.add("/tmp"); // java.io.tmpdir: RocksDB and JNA unpack JNI libraries there
    needed.add(env.getOrDefault("DJL_CACHE_DIR", "/var/cache/djl"));
    Optional.ofNullable(env.get("NEUROSTREAM_DJL_CACHE_DIR")).ifPresent(needed::add);
    Optional.ofNullable(env.get("NEUROSTREAM_STATE_DIR")).ifPresent(needed::add);
    for (String path : needed) {
      boolean mounted =
          container.getVolumeMounts().stream()
              .filter(m -> !Boolean.TRUE.equals(m.getReadOnly()))
              .map(VolumeMount::getMountPath)
              .anyMatch(m -> path.equals(m) || path.startsWith(m.endsWith("/") ? m : m + "/"));
      if (!mounted) {
        out.add(at + ": " + path + " must be a writable volume mount (the root filesystem is"
            + " read-only)");
      }
    }
  }

  private static void checkProbes(
      Manifests manifests, String at, Container container, List<String> out) {
    Integer metricsPort = null;
    if (isOurs(container)) {
      String configured = environment(manifests, container).get("NEUROSTREAM_METRICS_PORT");
      if (configured == null) {
        out.add(at + ": set NEUROSTREAM_METRICS_PORT so the probes and the service agree");
      } else {
        metricsPort = Integer.valueOf(configured);
      }
    }
    checkProbe(at, "readinessProbe", container.getReadinessProbe(), "/ready", container,
        metricsPort, out);
    checkProbe(at, "livenessProbe", container.getLivenessProbe(), "/live", container,
        metricsPort, out);
  }

  private static void checkProbe(
      String at,
      String kind,
      Probe probe,
      String path,
      Container container,
      Integer metricsPort,
      List<String> out) {
    if (probe == null || probe.getHttpGet() == null) {
      out.add(at + ": " + kind + " must be an HTTP GET of " + path);
      return;
    }
    if (!path.equals(probe.getHttpGet().getPath())) {
      out.add(at + ": " + kind + " path is " + probe.getHttpGet().getPath() + ", expected " + path);
    }
    Integer port = resolvePort(container, probe.getHttpGet().getPort());
    if (port == null) {
      out.add(at + ": " + kind + " port " + probe.getHttpGet().getPort().getValue()
          + " is not a container port");
    } else if (metricsPort != null && !metricsPort.equals(port)) {
      out.add(at + ": " + kind + " probes port " + port + " but NEUROSTREAM_METRICS_PORT is "
          + metricsPort);
    }
  }

  private static Integer resolvePort(Container container, IntOrString port) {
    if (port == null) {
      return null;
    }
    if (port.getIntVal() != null) {
      return container.getPorts().stream().map(ContainerPort::getContainerPort)
          .filter(port.getIntVal()::equals).findFirst().orElse(null);
    }
    return container.getPorts().stream()
        .filter(p -> port.getStrVal().equals(p.getName()))
        .map(ContainerPort::getContainerPort)
        .findFirst()
        .orElse(null);
  }

  // --- configuration --------------------------------------------------------------------------

  private static void checkConfiguration(
      Manifests manifests, String at, Container container, List<String> out) {
    for (EnvFromSource source : container.getEnvFrom()) {
      if (source.getConfigMapRef() == null) {
        continue;
      }
      String name = source.getConfigMapRef().getName();
      Optional<ConfigMap> map = manifests.find(ConfigMap.class, name);
      if (map.isEmpty()) {
        if (!Boolean.TRUE.equals(source.getConfigMapRef().getOptional())) {
          out.add(at + ": envFrom ConfigMap " + name + " does not exist");
        }
        continue;
      }
      for (String key : map.get().getData().keySet()) {
        ConfigurationNames.problem(key)
            .ifPresent(p -> out.add("ConfigMap " + name + " (used by " + at + "): " + p));
      }
    }
    for (EnvVar var : container.getEnv()) {
      ConfigurationNames.problem(var.getName()).ifPresent(p -> out.add(at + ": " + p));
    }
  }

  /**
   * The container's effective environment as far as the manifests tell: envFrom ConfigMaps, then
   * env (values from Secrets appear as {@code <secret>}).
   */
  static Map<String, String> environment(Manifests manifests, Container container) {
    Map<String, String> env = new LinkedHashMap<>();
    for (EnvFromSource source : container.getEnvFrom()) {
      if (source.getConfigMapRef() != null) {
        manifests.find(ConfigMap.class, source.getConfigMapRef().getName())
            .ifPresent(map -> env.putAll(map.getData()));
      }
    }
    for (EnvVar var : container.getEnv()) {
      env.put(var.getName(), var.getValue() != null ? var.getValue() : "<secret>");
    }
    return env;
  }

  static boolean isOurs(Container container) {
    String image = Objects.requireNonNullElse(container.getImage(), "");
    return image.startsWith(IMAGE_REPOSITORY + ":") || image.startsWith(IMAGE_REPOSITORY + "@");
  }

  // --- network --------------------------------------------------------------------------------

  private static void checkNetworkPolicy(
      Manifests manifests, String where, PodTemplateSpec template, List<String> out) {
    Map<String, String> labels = template.getMetadata().getLabels();
    List<NetworkPolicy> policies =
        manifests.all(NetworkPolicy.class).stream()
            .filter(p -> selects(p.getSpec().getPodSelector(), labels))
            .toList();
    if (policies.isEmpty()) {
      out.add(where + ": no NetworkPolicy selects its pods");
      return;
    }
    boolean ingress = false;
    boolean egress = false;
    Set<Integer> containerPorts = new java.util.HashSet<>();
    Set<String> portNames = new java.util.HashSet<>();
    for (Container c : template.getSpec().getContainers()) {
      for (ContainerPort p : c.getPorts()) {
        containerPorts.add(p.getContainerPort());
        Optional.ofNullable(p.getName()).ifPresent(portNames::add);
      }
    }
    for (NetworkPolicy policy : policies) {
      String at = where + " / NetworkPolicy " + policy.getMetadata().getName();
      ingress |= policy.getSpec().getPolicyTypes().contains("Ingress");
      egress |= policy.getSpec().getPolicyTypes().contains("Egress");
      for (NetworkPolicyIngressRule rule : policy.getSpec().getIngress()) {
        if (rule.getPorts().isEmpty()) {
          out.add(at + ": an ingress rule without ports opens every port; allow only metrics");
        }
        for (NetworkPolicyPort port : rule.getPorts()) {
          IntOrString p = port.getPort();
          boolean known =
              p != null
                  && (p.getIntVal() != null
                      ? containerPorts.contains(p.getIntVal())
                      : portNames.contains(p.getStrVal()));
          if (!known) {
            out.add(at + ": ingress port " + (p == null ? "(any)" : p.getValue())
                + " is not a port of the pod");
          }
        }
      }
      for (NetworkPolicyEgressRule rule : policy.getSpec().getEgress()) {
        if (rule.getPorts().isEmpty()) {
          out.add(at + ": an egress rule without ports allows everything");
        }
        for (NetworkPolicyPort port : rule.getPorts()) {
          Integer number = port.getPort() == null ? null : port.getPort().getIntVal();
          if (number == null || !ALLOWED_EGRESS_PORTS.contains(number)) {
            out.add(at + ": egress port " + (port.getPort() == null ? "(any)"
                : port.getPort().getValue()) + " is not DNS, Kafka or the registry "
                + ALLOWED_EGRESS_PORTS);
          }
        }
      }
    }
    if (!ingress || !egress) {
      out.add(where + ": its NetworkPolicies must restrict both Ingress and Egress");
    }
  }

  /** Whether a selector (matchLabels only; expressions are refused) selects {@code labels}. */
  static boolean selects(LabelSelector selector, Map<String, String> labels) {
    if (selector == null || !selector.getMatchExpressions().isEmpty()) {
      return false;
    }
    return labels.entrySet().containsAll(selector.getMatchLabels().entrySet());
  }

  // --- availability and scaling ---------------------------------------------------------------

  private static void checkClassifierScalingAndBudget(Manifests manifests, List<String> out) {
    for (Deployment deployment : manifests.all(Deployment.class)) {
      if (!isClassifier(deployment)) {
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
              .anyMatch(pdb -> selects(pdb.getSpec().getSelector(), labels));
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
      if (isClassifier(target.get()) && hpa.getSpec().getMaxReplicas() > partitions) {
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
    Map<String, String> env = environment(manifests, container);
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
      String group = first(env.get("NEUROSTREAM_APPLICATION_ID"), env.get("KAFKA_APPLICATION_ID"));
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

  static boolean isClassifier(Deployment deployment) {
    return deployment.getSpec().getTemplate().getSpec().getContainers().stream()
        .anyMatch(c -> isOurs(c) && !c.getArgs().isEmpty() && c.getArgs().get(0).equals("classifier"));
  }

  private static boolean isPositiveInteger(String value) {
    try {
      return value != null && Long.parseLong(value) > 0;
    } catch (NumberFormatException e) {
      return false;
    }
  }

  @SafeVarargs
  private static <T> T first(T... values) {
    for (T value : values) {
      if (value != null) {
        return value;
      }
    }
    return null;
  }

  /** For tests: the single container of a Deployment. */
  static Container container(Manifests manifests, String deployment) {
    return manifests.get(Deployment.class, deployment).getSpec().getTemplate().getSpec()
        .getContainers().get(0);
  }

  /** For tests: a view of a container's volumes by mount path. */
  static Map<String, Volume> volumesByMountPath(Manifests manifests, String deployment) {
    PodSpec pod = manifests.get(Deployment.class, deployment).getSpec().getTemplate().getSpec();
    Map<String, Volume> byName = new LinkedHashMap<>();
    pod.getVolumes().forEach(v -> byName.put(v.getName(), v));
    Map<String, Volume> byPath = new LinkedHashMap<>();
    for (VolumeMount mount : pod.getContainers().get(0).getVolumeMounts()) {
      byPath.put(mount.getMountPath(), byName.get(mount.getName()));
    }
    return byPath;
  }
}
