package io.neurostream.deploy;

import io.fabric8.kubernetes.api.model.Capabilities;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerPort;
import io.fabric8.kubernetes.api.model.EnvFromSource;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.IntOrString;
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
      NetworkRules.check(manifests, where, template, out);
    }
    ScalingRules.check(manifests, out);
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

  static boolean isClassifier(Deployment deployment) {
    return deployment.getSpec().getTemplate().getSpec().getContainers().stream()
        .anyMatch(c -> isOurs(c) && !c.getArgs().isEmpty() && c.getArgs().get(0).equals("classifier"));
  }

  @SafeVarargs
  static <T> T first(T... values) {
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
