package io.neurostream.deploy;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The rules {@code docker/compose.yaml} must follow, as violations (empty = ok). No Docker engine
 * runs in CI, so this is what stands between a typo and a stack that never comes up: services
 * present, images pinned, start order by health and completion, a scalable classifier, our
 * services hardened, their variables real configuration names, their arguments real CLI, and
 * addresses that point at services that exist.
 */
final class ComposePolicy {

  static final Set<String> REQUIRED_SERVICES =
      Set.of("kafka", "schema-registry", "topics", "classifier", "trainer", "generate", "ingest");
  private static final List<String> CONDITIONS =
      List.of("service_healthy", "service_completed_successfully", "service_started");

  private ComposePolicy() {}

  /** The compose file as a tree (Jackson YAML; we use no anchors or merge keys). */
  static JsonNode read(Path composeFile) {
    try {
      List<JsonNode> docs = StrictYaml.documents(Files.readString(composeFile));
      if (docs.size() != 1) {
        throw new IllegalStateException(composeFile + " must hold exactly one YAML document");
      }
      return docs.get(0);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static List<String> violations(JsonNode compose, Path directory) {
    List<String> out = new ArrayList<>();
    JsonNode services = compose.path("services");
    for (String required : REQUIRED_SERVICES) {
      if (!services.has(required)) {
        out.add("service " + required + " is missing");
      }
    }
    for (Iterator<Map.Entry<String, JsonNode>> it = services.fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> entry = it.next();
      checkService(entry.getKey(), entry.getValue(), services, directory, out);
    }
    checkPlatform(services, out);
    checkClassifier(services.path("classifier"), out);
    checkTrainer(services.path("trainer"), out);
    for (String job : List.of("generate", "ingest")) {
      if (services.has(job) && !texts(services.path(job).path("profiles")).contains("ingest")) {
        out.add("service " + job + ": must be in profile ingest (it runs on demand)");
      }
    }
    checkAddresses(services, directory, out);
    return out;
  }

  private static void checkService(
      String name, JsonNode service, JsonNode services, Path directory, List<String> out) {
    String at = "service " + name;
    String image = service.path("image").asText(null);
    ManifestPolicy.imageProblem(image).ifPresent(p -> out.add(at + ": " + p));
    for (Iterator<Map.Entry<String, JsonNode>> deps = dependsOn(service); deps.hasNext(); ) {
      Map.Entry<String, JsonNode> dep = deps.next();
      JsonNode target = services.path(dep.getKey());
      String condition = dep.getValue().path("condition").asText(null);
      if (target.isMissingNode()) {
        out.add(at + ": depends on unknown service " + dep.getKey());
      } else if (condition == null || !CONDITIONS.contains(condition)) {
        out.add(at + ": depends_on " + dep.getKey() + " needs a condition " + CONDITIONS);
      } else if (target.has("healthcheck") && !condition.equals("service_healthy")) {
        out.add(at + ": wait for " + dep.getKey() + " with service_healthy (it has a healthcheck)");
      } else if (isOneShot(target) && !condition.equals("service_completed_successfully")) {
        out.add(at + ": wait for one-shot " + dep.getKey() + " with service_completed_successfully");
      }
    }
    if (!isOurs(image)) {
      return;
    }
    for (Map.Entry<String, String> var : environment(service, directory).entrySet()) {
      ConfigurationNames.problem(var.getKey()).ifPresent(p -> out.add(at + ": " + p));
    }
    CliContract.problem(texts(service.path("command"))).ifPresent(p -> out.add(at + ": " + p));
    if (!service.path("read_only").asBoolean(false)) {
      out.add(at + ": set read_only: true (as readOnlyRootFilesystem in k8s)");
    }
    if (texts(service.path("tmpfs")).stream().noneMatch(t -> t.startsWith("/tmp") && t.contains("exec"))) {
      out.add(at + ": mount tmpfs /tmp:exec (RocksDB and JNA load JNI libraries from /tmp;"
          + " Docker's tmpfs default is noexec)");
    }
    if (!texts(service.path("cap_drop")).contains("ALL")) {
      out.add(at + ": cap_drop: [ALL]");
    }
    String user = service.path("user").asText("");
    if (user.equals("root") || user.startsWith("0")) {
      out.add(at + ": must not run as root");
    }
  }

  private static void checkPlatform(JsonNode services, List<String> out) {
    String kafka = services.path("kafka").path("image").asText("");
    if (!kafka.startsWith("apache/kafka:4.")) {
      out.add("service kafka: use the official apache/kafka:4.x image, not " + kafka);
    }
    if (!services.path("kafka").path("environment").path("KAFKA_PROCESS_ROLES").asText("")
        .contains("controller")) {
      out.add("service kafka: must run KRaft (KAFKA_PROCESS_ROLES with controller)");
    }
    String registry = services.path("schema-registry").path("image").asText("");
    if (!registry.startsWith("confluentinc/cp-schema-registry:7.")) {
      out.add("service schema-registry: use confluentinc/cp-schema-registry:7.x, not " + registry);
    }
    for (String needsHealth : List.of("kafka", "schema-registry", "classifier", "trainer")) {
      if (services.has(needsHealth) && !services.path(needsHealth).has("healthcheck")) {
        out.add("service " + needsHealth + ": needs a healthcheck");
      }
    }
  }

  private static void checkClassifier(JsonNode classifier, List<String> out) {
    if (classifier.isMissingNode()) {
      return;
    }
    if (classifier.has("container_name")) {
      out.add("service classifier: container_name prevents --scale; remove it");
    }
    if (classifier.has("ports")) {
      out.add("service classifier: host ports collide between replicas; use expose");
    }
    int replicas = classifier.path("deploy").path("replicas").asInt(0);
    if (replicas < 1 || replicas > ScansTopic.partitions()) {
      out.add("service classifier: deploy.replicas " + replicas + " must be 1.."
          + ScansTopic.partitions() + " (partitions of " + ScansTopic.name() + ")");
    }
  }

  private static void checkTrainer(JsonNode trainer, List<String> out) {
    if (trainer.isMissingNode()) {
      return;
    }
    boolean stateVolume =
        texts(trainer.path("volumes")).stream()
            .anyMatch(v -> v.endsWith(":/var/lib/neurostream/state") && !v.startsWith("/") && !v.startsWith("."));
    if (!stateVolume) {
      out.add("service trainer: needs a named volume at /var/lib/neurostream/state");
    }
  }

  /** KAFKA_BOOTSTRAP_SERVERS and the registry URL must name services that listen there. */
  private static void checkAddresses(JsonNode services, Path directory, List<String> out) {
    String advertised =
        services.path("kafka").path("environment").path("KAFKA_ADVERTISED_LISTENERS").asText("");
    for (Iterator<Map.Entry<String, JsonNode>> it = services.fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> entry = it.next();
      JsonNode service = entry.getValue();
      if (!isOurs(service.path("image").asText(null))) {
        continue;
      }
      String at = "service " + entry.getKey();
      Map<String, String> env = environment(service, directory);
      List<String> command = texts(service.path("command"));
      int flag = command.indexOf("--bootstrap");
      String bootstrap =
          flag >= 0 && flag + 1 < command.size()
              ? command.get(flag + 1)
              : env.get("KAFKA_BOOTSTRAP_SERVERS");
      if (bootstrap == null) {
        out.add(at + ": no KAFKA_BOOTSTRAP_SERVERS (the default localhost:9092 is not the broker)");
      } else {
        for (String server : bootstrap.split(",")) {
          if (!advertised.contains("://" + server.strip())) {
            out.add(at + ": bootstrap " + server + " is not an advertised listener of kafka ("
                + advertised + ")");
          }
        }
      }
      String registry = env.get("NEUROSTREAM_SCHEMA_REGISTRY_URL");
      if (registry == null || !services.has(URI.create(registry).getHost())) {
        out.add(at + ": NEUROSTREAM_SCHEMA_REGISTRY_URL " + registry
            + " does not name a compose service");
      }
    }
  }

  /** {@code environment} (map or list form) over {@code env_file}, as Compose merges them. */
  static Map<String, String> environment(JsonNode service, Path directory) {
    Map<String, String> env = new LinkedHashMap<>();
    for (String file : texts(service.path("env_file"))) {
      env.putAll(readEnvFile(directory.resolve(file)));
    }
    JsonNode environment = service.path("environment");
    if (environment.isObject()) {
      environment.fields().forEachRemaining(e -> env.put(e.getKey(), e.getValue().asText()));
    } else {
      for (String line : texts(environment)) {
        int eq = line.indexOf('=');
        env.put(eq < 0 ? line : line.substring(0, eq), eq < 0 ? "" : line.substring(eq + 1));
      }
    }
    return env;
  }

  static Map<String, String> readEnvFile(Path file) {
    Map<String, String> env = new LinkedHashMap<>();
    try {
      for (String line : Files.readAllLines(file)) {
        String trimmed = line.strip();
        if (trimmed.isEmpty() || trimmed.startsWith("#")) {
          continue;
        }
        int eq = trimmed.indexOf('=');
        if (eq < 1) {
          throw new IllegalStateException(file + ": '" + line + "' is not KEY=VALUE");
        }
        env.put(trimmed.substring(0, eq), trimmed.substring(eq + 1));
      }
    } catch (IOException e) {
      throw new UncheckedIOException("env_file " + file + " cannot be read", e);
    }
    return env;
  }

  private static Iterator<Map.Entry<String, JsonNode>> dependsOn(JsonNode service) {
    JsonNode deps = service.path("depends_on");
    if (deps.isArray()) {
      // short form: no condition at all; report each as lacking one
      Map<String, JsonNode> bare = new LinkedHashMap<>();
      deps.forEach(d -> bare.put(d.asText(), com.fasterxml.jackson.databind.node.MissingNode.getInstance()));
      return bare.entrySet().iterator();
    }
    return deps.fields();
  }

  private static boolean isOneShot(JsonNode service) {
    return "no".equals(service.path("restart").asText(null)) && !service.has("healthcheck");
  }

  static boolean isOurs(String image) {
    return image != null && image.startsWith(ManifestPolicy.IMAGE_REPOSITORY + ":");
  }

  /** A scalar or a list of scalars as strings; missing gives an empty list. */
  static List<String> texts(JsonNode node) {
    List<String> out = new ArrayList<>();
    if (node.isArray()) {
      node.forEach(n -> out.add(n.asText()));
    } else if (node.isValueNode()) {
      out.add(node.asText());
    }
    return out;
  }

  static Optional<JsonNode> service(JsonNode compose, String name) {
    return Optional.ofNullable(compose.path("services").get(name));
  }
}
