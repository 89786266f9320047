package io.neurostream.serde;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.neurostream.avro.DeadLetter;
import io.neurostream.avro.DementiaStage;
import io.neurostream.avro.LabeledScan;
import io.neurostream.avro.ModelRelease;
import io.neurostream.avro.Prediction;
import io.neurostream.avro.ReleaseStatus;
import io.neurostream.avro.ScanEvent;
import io.neurostream.classifier.TestReleases;
import io.neurostream.kafka.Topic;
import io.neurostream.kafka.TopicProvisioner;
import io.neurostream.kafka.Topics;
import io.neurostream.platform.EmbeddedKafka;
import io.neurostream.platform.registry.EmbeddedSchemaRegistry;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 13 F, production settings: CI registers the contracts of {@code schemas/*.avsc} with
 * Confluent's own JavaScript registry client ({@code src/test/js/register-contracts.mjs} inlines
 * them from the files alone), then Java producers and consumers of every topic run with
 * {@code auto.register.schemas=false}: they find the contracts, register nothing, and read back
 * what they wrote. Without stripping Avro's Java-only properties the same producer fails with
 * 40403, which this test shows as well.
 */
@Timeout(value = 5, unit = TimeUnit.MINUTES)
class ContractRegistrationIT {

  private static final Path JS_DIR = Path.of("src", "test", "js");
  private static final ObjectMapper JSON = new ObjectMapper();

  /** One record per topic with an Avro value, as the services write them. */
  private static Map<Topic<String, ? extends SpecificRecord>, SpecificRecord> samples() {
    ScanEvent scan = SampleScans.scan(7);
    Map<Topic<String, ? extends SpecificRecord>, SpecificRecord> samples = new LinkedHashMap<>();
    samples.put(Topics.SCANS, scan);
    samples.put(Topics.PREDICTIONS, Prediction.newBuilder()
        .setIdentity(scan.getIdentity()).setPredicted(DementiaStage.values()[1])
        .setProbabilities(List.of(0.1f, 0.6f, 0.2f, 0.1f)).setModelVersion("contract-1")
        .setScanTimestamp(Instant.ofEpochMilli(1_700_000_000_000L))
        .setPredictedAt(Instant.ofEpochMilli(1_700_000_000_250L)).setBatchSize(8).build());
    samples.put(Topics.SCANS_DLQ, DeadLetter.newBuilder()
        .setSourceTopic(Topics.SCANS.name()).setSourcePartition(2).setSourceOffset(41)
        .setSourceKey(ByteBuffer.wrap("k".getBytes(StandardCharsets.UTF_8)))
        .setOriginalValue(ByteBuffer.wrap(new byte[] {0, 1, 2}))
        .setStage("DECODE").setErrorType("IMAGE_DECODE_FAILED").setErrorMessage("damaged")
        .setFailedAt(Instant.ofEpochMilli(1_700_000_000_500L)).build());
    samples.put(Topics.LABELS, LabeledScan.newBuilder().setScan(scan)
        .setLabel(DementiaStage.values()[2]).setLabeler("radiologist-7")
        .setLabeledAt(Instant.ofEpochMilli(1_700_000_001_000L)).build());
    samples.put(Topics.MODEL_RELEASES, TestReleases.release("contract-1",
        "kafka://mri.model-artifacts/contract-1", 1234, "ab".repeat(32), ReleaseStatus.PROMOTED,
        Instant.ofEpochMilli(1_700_000_002_000L)));
    return samples;
  }

  @Test
  void shouldProduceAndConsumeEveryTopicAgainstContractsRegisteredByConfluentsJsClient(
      @TempDir Path dir) throws Exception {
    ConfluentJsCompatibilityIT.requireNodeModules();
    Map<Topic<String, ? extends SpecificRecord>, SpecificRecord> samples = samples();
    try (EmbeddedKafka kafka = EmbeddedKafka.start(dir.resolve("kafka"), 0);
        EmbeddedSchemaRegistry registry =
            EmbeddedSchemaRegistry.start(0, kafka.bootstrapServers())) {
      try (Admin admin = Admin.create(Map.of("bootstrap.servers", kafka.bootstrapServers()))) {
        new TopicProvisioner(admin, Duration.ofSeconds(30))
            .provision(Topics.all(), TopicProvisioner.Mode.CREATE);
      }
      // given: CI registered the contracts with Confluent's JS client, from the .avsc files
      List<String> subjects = new ArrayList<>();
      samples.forEach((topic, record) -> subjects.add(
          Subjects.topicName(topic.name(), false) + "=" + record.getSchema().getFullName()));
      Map<String, Integer> ids = registerWithJs(registry.url(), subjects);
      assertThat(ids).hasSize(samples.size());

      // when: Java producers and consumers run with auto.register.schemas=false
      Map<String, Object> serde = Map.of(SchemaRegistryConfig.URL, registry.url(),
          SchemaRegistryConfig.AUTO_REGISTER_SCHEMAS, false);
      for (var e : samples.entrySet()) {
        @SuppressWarnings("unchecked")
        Topic<String, SpecificRecord> topic = (Topic<String, SpecificRecord>) e.getKey();
        SpecificRecord sent = e.getValue();
        try (KafkaProducer<String, SpecificRecord> producer = new KafkaProducer<>(
            Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers(),
                ProducerConfig.MAX_REQUEST_SIZE_CONFIG, Topics.MAX_SCAN_BYTES),
            new StringSerializer(), topic.valueSerde(serde).serializer())) {
          producer.send(new ProducerRecord<>(topic.name(), "contract-key", sent)).get();
        }

        // then: the bytes carry the id of the contract CI registered, and read back equal
        ConsumerRecord<String, byte[]> raw = readOne(kafka.bootstrapServers(), topic.name());
        String subject = Subjects.topicName(topic.name(), false);
        assertThat(ByteBuffer.wrap(raw.value(), 1, 4).getInt()).as("schema id on %s", topic.name())
            .isEqualTo(ids.get(subject));
        SpecificRecord read = topic.valueSerde(serde).deserializer()
            .deserialize(topic.name(), raw.value());
        assertThat(read).as("record read back from %s", topic.name()).isEqualTo(sent);
      }

      // and: nothing but the contracts was registered (one version per subject)
      RestSchemaRegistryClient client = RestSchemaRegistryClient.fromConfig(serde);
      for (String subject : ids.keySet()) {
        assertThat(client.getLatest(subject).version()).as(subject).isEqualTo(1);
      }

      // and: with the Java properties kept, the same producer does not find the contract (40403)
      Map<String, Object> keeping = new HashMap<>(serde);
      keeping.put(SchemaRegistryConfig.AVRO_REMOVE_JAVA_PROPERTIES, false);
      assertThatThrownBy(() -> Topics.SCANS.valueSerde(keeping).serializer()
          .serialize(Topics.SCANS.name(), (ScanEvent) samples.get(Topics.SCANS)))
          .isInstanceOf(SerializationException.class)
          .hasMessageContaining("40403");
    }
  }

  /** Runs the registration script; subject to id. */
  private static Map<String, Integer> registerWithJs(String registryUrl, List<String> subjects)
      throws Exception {
    List<String> command = new ArrayList<>(List.of("node", "register-contracts.mjs",
        "--registry", registryUrl, "--schemas", Path.of("schemas").toAbsolutePath().toString()));
    for (String s : subjects) {
      command.add("--subject");
      command.add(s);
    }
    Process process;
    try {
      process = new ProcessBuilder(command).directory(JS_DIR.toFile()).start();
    } catch (IOException e) {
      throw new AssertionError("Could not run `node` (" + e.getMessage() + "); install Node.js 18+"
          + " and run `npm ci` in src/test/js", e);
    }
    CompletableFuture<String> stdout = CompletableFuture.supplyAsync(() -> read(process, false));
    CompletableFuture<String> stderr = CompletableFuture.supplyAsync(() -> read(process, true));
    if (!process.waitFor(120, TimeUnit.SECONDS)) {
      process.destroyForcibly();
      fail("node register-contracts.mjs did not finish within 120 s");
    }
    String out = stdout.get(10, TimeUnit.SECONDS);
    String err = stderr.get(10, TimeUnit.SECONDS);
    assertThat(process.exitValue()).as("node register-contracts.mjs; stderr:%n%s", err).isZero();
    Map<String, Integer> ids = new LinkedHashMap<>();
    boolean done = false;
    for (String line : out.split("\n")) {
      if (!line.startsWith("{")) {
        continue;
      }
      JsonNode event = JSON.readTree(line);
      if ("registered".equals(event.path("event").asText())) {
        ids.put(event.get("subject").asText(), event.get("id").asInt());
        System.err.println("registered by the JS client: " + event.get("subject").asText()
            + " id " + event.get("id").asInt());
      }
      done |= "done".equals(event.path("event").asText());
    }
    assertThat(done).as("script finished; stdout:%n%s%nstderr:%n%s", out, err).isTrue();
    return ids;
  }

  private static String read(Process process, boolean errorStream) {
    try {
      return new String((errorStream ? process.getErrorStream() : process.getInputStream())
          .readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      return "(unreadable: " + e + ")";
    }
  }

  private static ConsumerRecord<String, byte[]> readOne(String bootstrap, String topic) {
    Map<String, Object> props = new HashMap<>();
    props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
    props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
    try (KafkaConsumer<String, byte[]> consumer =
        new KafkaConsumer<>(props, new StringDeserializer(), new ByteArrayDeserializer())) {
      List<TopicPartition> partitions = consumer.partitionsFor(topic).stream()
          .map(p -> new TopicPartition(topic, p.partition())).toList();
      consumer.assign(partitions);
      consumer.seekToBeginning(partitions);
      long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
      while (System.nanoTime() < deadline) {
        for (ConsumerRecord<String, byte[]> r : consumer.poll(Duration.ofMillis(500))) {
          return r;
        }
      }
    }
    throw new AssertionError("no record on " + topic + " within 60 s");
  }
}
