package io.neurostream.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpServer;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * {@code docker/compose.yaml} parses and follows {@link ComposePolicy}; each rule is shown to fail
 * on a copy of the file corrupted in one place.
 */
class ComposeFileTest {

  private static final Path DOCKER = Path.of("docker");
  private static final JsonNode COMPOSE = ComposePolicy.read(DOCKER.resolve("compose.yaml"));

  @Test
  void shouldSatisfyThePolicy() {
    assertThat(ComposePolicy.violations(COMPOSE, DOCKER)).isEmpty();
  }

  @Test
  void shouldRunTheClassifierAsTheSameConsumerGroupKedaWatches() {
    Map<String, String> env =
        ComposePolicy.environment(ComposePolicy.service(COMPOSE, "classifier").orElseThrow(), DOCKER);
    assertThat(env)
        .containsEntry("NEUROSTREAM_APPLICATION_ID", "neurostream-classifier")
        .containsEntry("NEUROSTREAM_METRICS_PORT", "9404")
        .containsEntry("KAFKA_BOOTSTRAP_SERVERS", "kafka:9092");
  }

  @Test
  void shouldCreateTopicsBeforeAnyServiceUsesThem() {
    JsonNode services = COMPOSE.path("services");
    assertThat(ComposePolicy.texts(services.at("/topics/command")))
        .containsExactly("topics", "--bootstrap", "kafka:9092");
    for (String service : new String[] {"classifier", "trainer", "ingest"}) {
      assertThat(services.at("/" + service + "/depends_on/topics/condition").asText())
          .as(service)
          .isEqualTo("service_completed_successfully");
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"classifier", "trainer"})
  void healthcheckShouldPassOnlyWhileReadyAnswers200(String name) throws Exception {
    // given: the service's healthcheck, aimed at a local stand-in for its ops endpoint
    List<String> test = ComposePolicy.texts(COMPOSE.at("/services/" + name + "/healthcheck/test"));
    assertThat(test.subList(0, 3)).containsExactly("CMD", "bash", "-c");
    String port = name.equals("classifier") ? "9404" : "9405";
    assertThat(test.get(3)).contains("/dev/tcp/127.0.0.1/" + port);
    AtomicInteger status = new AtomicInteger(503);
    HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 4);
    server.createContext("/ready", ex -> {
      ex.sendResponseHeaders(status.get(), -1);
      ex.close();
    });
    server.start();
    try {
      String script = test.get(3).replace("/" + port, "/" + server.getAddress().getPort());

      // when/then: not ready, then ready
      assertThat(bash(script)).as("503 is unhealthy").isNotZero();
      status.set(200);
      assertThat(bash(script)).as("200 is healthy").isZero();
    } finally {
      server.stop(0);
    }
  }

  private static int bash(String script) throws Exception {
    Process process = new ProcessBuilder("bash", "-c", script).redirectErrorStream(true).start();
    process.getInputStream().readAllBytes();
    if (!process.waitFor(30, TimeUnit.SECONDS)) {
      process.destroyForcibly();
      throw new AssertionError("healthcheck hung: " + script);
    }
    return process.exitValue();
  }

  @Test
  void shouldFlagUnpinnedImages() {
    ObjectNode compose = StrictYaml.copy(COMPOSE);
    service(compose, "kafka").put("image", "apache/kafka:latest");
    service(compose, "schema-registry").put("image", "confluentinc/cp-schema-registry");

    assertThat(ComposePolicy.violations(compose, DOCKER))
        .anySatisfy(v -> assertThat(v).startsWith("service kafka:").contains("moving tag latest"))
        .anySatisfy(v -> assertThat(v).startsWith("service schema-registry:").contains("no tag"));
  }

  @Test
  void shouldFlagAClassifierThatCannotScale() {
    ObjectNode compose = StrictYaml.copy(COMPOSE);
    ObjectNode classifier = service(compose, "classifier");
    classifier.put("container_name", "classifier");
    classifier.putArray("ports").add("9404:9404");
    ((ObjectNode) classifier.get("deploy")).put("replicas", ScansTopic.partitions() + 2);

    assertThat(ComposePolicy.violations(compose, DOCKER))
        .containsExactlyInAnyOrder(
            "service classifier: container_name prevents --scale; remove it",
            "service classifier: host ports collide between replicas; use expose",
            "service classifier: deploy.replicas " + (ScansTopic.partitions() + 2) + " must be 1.."
                + ScansTopic.partitions() + " (partitions of mri.scans)");
  }

  @Test
  void shouldFlagVariablesTheApplicationDoesNotRead() {
    ObjectNode compose = StrictYaml.copy(COMPOSE);
    ((ObjectNode) service(compose, "trainer").get("environment"))
        .put("NEUROSTREAM_METRIC_PORT", "9405")
        .put("KAFKA_HEAP_OPTS", "-Xmx1g");

    assertThat(ComposePolicy.violations(compose, DOCKER))
        .anySatisfy(v -> assertThat(v).contains("NEUROSTREAM_METRIC_PORT is not"))
        .anySatisfy(v -> assertThat(v).contains("KAFKA_HEAP_OPTS is not"));
  }

  @Test
  void shouldFlagStartOrderWithoutConditions() {
    ObjectNode compose = StrictYaml.copy(COMPOSE);
    service(compose, "trainer").putArray("depends_on").add("kafka");
    ((ObjectNode) service(compose, "classifier").at("/depends_on/topics"))
        .put("condition", "service_started");

    assertThat(ComposePolicy.violations(compose, DOCKER))
        .contains(
            "service trainer: depends_on kafka needs a condition "
                + "[service_healthy, service_completed_successfully, service_started]",
            "service classifier: wait for one-shot topics with service_completed_successfully");
  }

  @Test
  void shouldFlagACommandTheCliRejects() {
    // given: topics is registered, so its flags are parsed for real
    ObjectNode compose = StrictYaml.copy(COMPOSE);
    service(compose, "topics").putArray("command").add("topics").add("--bootstrap-server").add("kafka:9092");

    assertThat(ComposePolicy.violations(compose, DOCKER))
        .anySatisfy(v -> assertThat(v).startsWith("service topics: neurostream topics --bootstrap-server")
            .contains("Unknown option"));
  }

  @Test
  void shouldFlagAddressesThatPointNowhere() {
    ObjectNode compose = StrictYaml.copy(COMPOSE);
    ((ObjectNode) service(compose, "classifier").get("environment"))
        .put("KAFKA_BOOTSTRAP_SERVERS", "localhost:9092")
        .put("NEUROSTREAM_SCHEMA_REGISTRY_URL", "http://registry:8081");

    assertThat(ComposePolicy.violations(compose, DOCKER))
        .anySatisfy(v -> assertThat(v).contains("bootstrap localhost:9092 is not an advertised"))
        .anySatisfy(v -> assertThat(v).contains("http://registry:8081 does not name"));
  }

  @Test
  void shouldFlagAWritableOrPrivilegedNeuroStreamContainer() {
    ObjectNode compose = StrictYaml.copy(COMPOSE);
    ObjectNode ingest = service(compose, "ingest");
    ingest.put("read_only", false);
    ingest.remove("cap_drop");
    ingest.put("user", "root");

    assertThat(ComposePolicy.violations(compose, DOCKER))
        .containsExactlyInAnyOrder(
            "service ingest: set read_only: true (as readOnlyRootFilesystem in k8s)",
            "service ingest: cap_drop: [ALL]",
            "service ingest: must not run as root");
  }

  private static ObjectNode service(ObjectNode compose, String name) {
    return (ObjectNode) compose.path("services").path(name);
  }
}
