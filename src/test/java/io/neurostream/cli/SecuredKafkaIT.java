package io.neurostream.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.neurostream.avro.ModelRelease;
import io.neurostream.avro.ServiceStatus;
import io.neurostream.kafka.KafkaClients;
import io.neurostream.kafka.Topics;
import io.neurostream.classifier.ClassifierProcess;
import io.neurostream.classifier.TinyBundles;
import io.neurostream.config.CommonKeys;
import io.neurostream.config.ConfigSources;
import io.neurostream.config.Configuration;
import io.neurostream.phantom.PhantomGenerator;
import io.neurostream.phantom.PhantomSubject;
import io.neurostream.platform.KafkaStack;
import io.neurostream.trainer.ReleaseOperations;
import io.neurostream.trainer.TrainerConfig;
import io.neurostream.trainer.TrainerKeys;
import io.neurostream.trainer.TrainerService;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import io.neurostream.cli.TailCommandTest.Run;

/**
 * Issue 13, secured Kafka: a broker that takes clients only over TLS + SASL/SCRAM-SHA-512 and a
 * registry only over HTTPS with basic auth. The CLI commands, the classifier (a child JVM) and the
 * trainer get nothing but the configuration file of docs/operations.md ({@code --config}), and
 * every client they make (Streams, admin, producers, consumers, the release follower, the status
 * publisher, the registry client) must get in; clients without the security settings or with a
 * wrong password fail with one line naming the fix.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
@Timeout(value = 5, unit = TimeUnit.MINUTES)
class SecuredKafkaIT {

  /** Seed of the phantom scans and labels (printed). */
  private static final long SEED = 1313;
  private static final int SCANS = 8;
  /** Labels of as many patients, four per stage: enough for a round's train/validation/holdout. */
  private static final int LABELS = 16;
  private static final ObjectMapper JSON = new ObjectMapper();

  @RegisterExtension static final KafkaStack stack = KafkaStack.secured();

  @TempDir Path dir;
  private ClassifierProcess classifier;
  private TrainerService trainer;

  @BeforeAll
  void printSeed() {
    System.out.println("[secured-it] phantom seed " + SEED + "; config file " + stack.configFile());
  }

  @AfterAll
  void stop() throws Exception {
    if (classifier != null) {
      classifier.close();
    }
    if (trainer != null) {
      trainer.close();
    }
  }

  @Test
  @Order(1)
  void shouldPublishAndListModelsWithOnlyTheConfigFile() {
    Path config = stack.configFile();
    Path bundle = TinyBundles.write(dir.resolve("secured-v1.bundle"), "secured-v1");

    Run publish = run("models", "publish", "--force", bundle.toString(), "--config", config.toString());
    assertThat(publish.code()).as(publish.err()).isZero();

    Run list = run("models", "list", "--config", config.toString());
    assertThat(list.code()).as(list.err()).isZero();
    assertThat(list.out()).contains("secured-v1");
  }

  @Test
  @Order(2)
  void shouldClassifyIngestedScansAndTailThePredictions() throws Exception {
    Path log = dir.resolve("classifier.log");
    classifier = ClassifierProcess.start(log, List.of("-Xmx768m"), List.of(
        "--config", stack.configFile().toString(), "--state-dir", dir.resolve("classifier").toString(),
        "--set", "model.device=cpu", "--set", "batch.max.size=8", "--set", "batch.max.delay.ms=50"));
    classifier.awaitReady(Duration.ofSeconds(150));
    assertThat(classifier.servedVersion()).isEqualTo("secured-v1");

    Path scans = writePhantoms(dir.resolve("scans"), SCANS / 2, 2, "scan");
    Run ingest = run("ingest", scans.toString(), "--config", stack.configFile().toString());
    assertThat(ingest.code()).as(ingest.err()).isZero();

    Run tail = run("tail", "--from-beginning", "--max", Integer.toString(SCANS), "--format", "json",
        "--config", stack.configFile().toString());
    assertThat(tail.code()).as(tail.err()).isZero();
    List<JsonNode> predictions = new ArrayList<>();
    for (String line : tail.out().lines().toList()) {
      predictions.add(JSON.readTree(line));
    }
    assertThat(predictions).hasSize(SCANS)
        .allSatisfy(p -> assertThat(p.get("modelVersion").asText()).isEqualTo("secured-v1"));
    // the status publisher got in too: its heartbeats are on the status topic
    assertThat(heartbeatsOf("classifier")).as("classifier heartbeats").isPositive();
    assertThat(Files.readString(log)).doesNotContain("AuthenticationException");
  }

  @Test
  @Order(3)
  void shouldTrainOnLabelsAndRecordTheRoundWithOnlyTheConfigFile() throws Exception {
    Path labelled = writePhantoms(dir.resolve("labelled"), LABELS, 1, "lab");
    Run label = run("label", labelled.toString(), "--config", stack.configFile().toString());
    assertThat(label.code()).as(label.err()).isZero();

    TrainerConfig trainerConfig = trainerConfig();
    trainer = TrainerService.start(trainerConfig, new PrometheusMeterRegistry(PrometheusConfig.DEFAULT));
    try (ReleaseOperations ops = new ReleaseOperations(trainerConfig)) {
      List<ModelRelease> records = new ArrayList<>();
      await("a training round's release record").atMost(Duration.ofSeconds(120))
          .pollInterval(Duration.ofSeconds(1)).until(() -> {
            records.clear();
            records.addAll(ops.history().records());
            return records.size() >= 2;
          });
      ModelRelease round = records.get(1);
      System.out.println("[secured-it] round: " + round.getVersion() + " " + round.getStatus()
          + "; " + round.getReason());
      assertThat(round.getParentVersion()).isEqualTo("secured-v1");
      assertThat(round.getTrainingProvenance())
          .containsEntry("trainer.labels.total", Integer.toString(LABELS));
    }
    assertThat(heartbeatsOf("trainer")).as("trainer heartbeats").isPositive();
  }

  @Test
  @Order(4)
  void shouldRefuseAClientWithAWrongPasswordInOneLineNamingTheFix() {
    Run run = run("models", "list", "--config", stack.configFile().toString(), "--set",
        "sasl.jaas.config=" + KafkaStack.scramJaas(KafkaStack.KAFKA_USER, "wrong-password"),
        "--set", "bootstrap.wait.ms=20000");

    assertThat(run.code()).isNotZero();
    assertThat(run.err().lines().toList()).as(run.err()).hasSize(1);
    assertThat(run.err()).contains("refused this client").contains("sasl.jaas.config");
  }

  @Test
  @Order(5)
  void shouldRefuseAClientWithoutSecuritySettingsInOneLineNamingTheFix() {
    Run run = run("models", "list", "--bootstrap", stack.bootstrap(), "--registry", stack.registryUrl(),
        "--set", "bootstrap.wait.ms=5000");

    assertThat(run.code()).isNotZero();
    assertThat(run.err().lines().toList()).as(run.err()).hasSize(1);
    assertThat(run.err()).contains("security.protocol");
  }

  @Test
  @Order(6)
  void shouldRefuseAWrongRegistryPasswordInOneLineNamingTheFix() throws Exception {
    Path scan = writePhantoms(dir.resolve("one"), 1, 1, "bad-registry");
    Run run = run("ingest", scan.toString(), "--config", stack.configFile().toString(),
        "--set", "basic.auth.user.info=" + KafkaStack.REGISTRY_USER + ":wrong-password");

    assertThat(run.code()).isNotZero();
    assertThat(run.err().lines().toList()).as(run.err()).hasSize(1);
    assertThat(run.err()).contains("basic.auth.user.info");
  }

  private TrainerConfig trainerConfig() {
    ConfigSources sources = ConfigSources.builder().optEnv(Map.of()).optFile(stack.configFile())
        .optOverrides(Map.of(
            "state.dir", dir.resolve("trainer").toString(),
            "metrics.port", "0",
            "trainer.min.new.labels", Integer.toString(LABELS),
            "trainer.interval.minutes", "0",
            "trainer.epochs", "1",
            "trainer.patience", "1",
            "trainer.batch.size", "8",
            "trainer.max.round.seconds", "60",
            "trainer.device", "cpu",
            "trainer.seed", Long.toString(SEED)))
        .build();
    return TrainerConfig.from(Configuration.load(sources, new CommonKeys(), new TrainerKeys()));
  }

  /** How many heartbeats of {@code service} the status topic holds, read with the stack's client. */
  private static long heartbeatsOf(String service) {
    TopicPartition partition = new TopicPartition(Topics.SERVICE_STATUS.name(), 0);
    try (KafkaConsumer<String, ServiceStatus> consumer = new KafkaClients(stack.client(), stack.serdeConfig())
        .readCommittedConsumer(Topics.SERVICE_STATUS, "secured-it")) {
      consumer.assign(List.of(partition));
      consumer.seekToBeginning(List.of(partition));
      long end = consumer.endOffsets(List.of(partition)).get(partition);
      long found = 0;
      while (consumer.position(partition) < end) {
        for (ConsumerRecord<String, ServiceStatus> r : consumer.poll(Duration.ofMillis(500))) {
          found += service.equals(r.value().getService()) ? 1 : 0;
        }
      }
      return found;
    }
  }

  /** {@code subjects × slices} phantom PNGs in the Kaggle layout {@code DIR/<stage>/<patient>/}. */
  private static Path writePhantoms(Path root, int subjects, int slices, String prefix) throws Exception {
    PhantomGenerator gen = PhantomGenerator.builder().setSeed(SEED + prefix.hashCode()).optSize(48)
        .optProportions(1, 1, 1, 1).build();
    for (PhantomSubject s : gen.subjects(subjects, slices)) {
      Path folder = Files.createDirectories(root.resolve(s.stage().name()).resolve(prefix + "-" + s.id()));
      for (int i = 0; i < s.sliceCount(); i++) {
        Files.write(folder.resolve("slice-" + i + ".png"), gen.render(s, i).toPng());
      }
    }
    return root;
  }

  /** Runs a command in this JVM (TailCommandTest's helper) and prints what it said. */
  private static Run run(String... args) {
    Run run = TailCommandTest.run(args);
    System.out.println("[secured-it] neurostream " + String.join(" ", args) + " -> " + run.code()
        + (run.err().isBlank() ? "" : ": " + run.err().strip()));
    return run;
  }
}
