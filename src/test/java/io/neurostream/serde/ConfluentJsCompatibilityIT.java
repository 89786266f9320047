package io.neurostream.serde;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.neurostream.avro.ScanEvent;
import io.neurostream.platform.KafkaStack;
import io.neurostream.platform.registry.EmbeddedSchemaRegistry;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.apache.avro.generic.GenericRecord;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Acceptance: Confluent's official JavaScript serde ({@code @confluentinc/schemaregistry}'s
 * AvroSerializer and AvroDeserializer) with kafkajs, against our in-process KRaft broker and
 * Kafka-backed embedded registry. Records they write are read by our deserializer, records we write
 * are read by theirs, field for field; their bytes carry magic 0 and the id our registry assigned.
 * Runs {@code src/test/js/confluent-compat.mjs} with node (needs {@code npm ci} in src/test/js).
 */
@Timeout(value = 8, unit = TimeUnit.MINUTES)
class ConfluentJsCompatibilityIT {

  private static final Path JS_DIR = Path.of("src", "test", "js");
  private static final int COUNT = 6;
  private static final ObjectMapper JSON = new ObjectMapper();

  @Test
  void shouldExchangeScanEventsFieldForFieldWithConfluentsJavaScriptSerde(@TempDir Path dir)
      throws Exception {
    requireNodeModules();
    try (KafkaStack kafka = KafkaStack.brokerOnly().start();
        EmbeddedSchemaRegistry registry =
            EmbeddedSchemaRegistry.start(0, kafka.bootstrap())) {
      Map<String, Object> serdeConfig = Map.of(SchemaRegistryConfig.URL, registry.url());
      String javaToJs = "compat.java-to-js";
      String jsToJava = "compat.js-to-java";

      // given: Java wrote ScanEvents with our serializer
      List<ScanEvent> sent = new ArrayList<>();
      for (int i = 0; i < COUNT; i++) {
        sent.add(SampleScans.scan(100 + i));
      }
      try (Serde<ScanEvent> serde = AvroSerdes.specific(ScanEvent.class, serdeConfig, false);
          KafkaProducer<String, ScanEvent> producer = new KafkaProducer<>(
              Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrap(),
                  ProducerConfig.ACKS_CONFIG, "all"),
              new StringSerializer(), serde.serializer())) {
        for (ScanEvent scan : sent) {
          producer.send(new ProducerRecord<>(javaToJs, scan.getIdentity().getSopInstanceUid(), scan))
              .get();
        }
      }

      // when: the JavaScript side produces its own ScanEvents and consumes ours
      Path schemaFile = dir.resolve("ScanEvent.avsc");
      // the contract, as our serializer registers it (without Avro's Java-only properties)
      Files.writeString(schemaFile, JavaProperties.strip(ScanEvent.getClassSchema()).toString());
      List<JsonNode> events = runNode(kafka.bootstrap(), registry.url(), schemaFile,
          jsToJava, javaToJs);

      // then: JS read what Java wrote, field for field
      List<JsonNode> consumed = ofEvent(events, "consumed");
      assertThat(consumed).hasSize(COUNT);
      for (int i = 0; i < COUNT; i++) {
        JsonNode record = consumed.get(i);
        ScanEvent expected = sent.get(i);
        assertThat(record.get("key").asText()).isEqualTo(expected.getIdentity().getSopInstanceUid());
        assertThat(record.get("value")).as("record %d read by AvroDeserializer", i)
            .isEqualTo(asJson(expected));
      }

      // and: JS registered the same schema under its subject and got the id our registry assigned
      JsonNode registered = ofEvent(events, "registered").get(0);
      RestSchemaRegistryClient client = RestSchemaRegistryClient.fromConfig(serdeConfig);
      int id = client.getId(jsToJava + "-value", JavaProperties.strip(ScanEvent.getClassSchema()));
      assertThat(registered.get("id").asInt()).isEqualTo(id);
      assertThat(client.getLatest(javaToJs + "-value").id())
          .as("one global id for one schema, whichever client registered it").isEqualTo(id);

      // and: Java reads what JS wrote, whose raw bytes are magic 0 + that id
      List<JsonNode> produced = ofEvent(events, "produced");
      assertThat(produced).hasSize(COUNT);
      List<ConsumerRecord<String, byte[]>> raw = readRaw(kafka.bootstrap(), jsToJava, COUNT);
      try (Serde<ScanEvent> specific = AvroSerdes.specific(ScanEvent.class, serdeConfig, false);
          Serde<GenericRecord> generic = AvroSerdes.generic(serdeConfig, false);
          Serde<ScanEvent> reencode = AvroSerdes.specific(ScanEvent.class, serdeConfig, false)) {
        int reencoded = 0;
        for (int i = 0; i < COUNT; i++) {
          byte[] bytes = raw.get(i).value();
          assertThat(bytes[0]).as("magic byte of JS record %d", i).isEqualTo((byte) 0);
          assertThat(ByteBuffer.wrap(bytes, 1, 4).getInt()).as("schema id of JS record %d", i)
              .isEqualTo(id);
          ScanEvent read = specific.deserializer().deserialize(jsToJava, bytes);
          JsonNode expected = produced.get(i).get("value");
          assertThat(asJson(read)).as("JS record %d read by our specific deserializer", i)
              .isEqualTo(expected);
          assertThat(raw.get(i).key()).isEqualTo(produced.get(i).get("key").asText());
          // spot checks that name the fields, so a failure reads well
          assertThat(read.getImage()).isEqualTo(ByteBuffer.wrap(
              Base64.getDecoder().decode(expected.get("image").get("$bytes").asText())));
          assertThat(read.getSliceIndex() == null).isEqualTo(expected.get("sliceIndex").isNull());
          assertThat(read.getAttributes()).hasSize(expected.get("attributes").size());
          GenericRecord readGeneric = generic.deserializer().deserialize(jsToJava, bytes);
          assertThat(readGeneric.get("source").toString()).isEqualTo("js-producer");
          // and re-encoding what we read gives the JS bytes back: the same Avro binary encoding.
          // (Only without map entries: a map's entry order is free in Avro, and Java's HashMap
          // does not keep JavaScript's insertion order.)
          if (read.getAttributes().size() <= 1) {
            assertThat(reencode.serializer().serialize(jsToJava, read))
                .as("our bytes for JS record %d", i).isEqualTo(bytes);
            reencoded++;
          }
        }
        assertThat(reencoded).as("records compared byte for byte").isPositive();
      }
    }
  }

  /** The JSON the script prints for a ScanEvent: bytes as {"$bytes": base64}, times as millis. */
  private static JsonNode asJson(ScanEvent scan) {
    JsonNodeFactory f = JsonNodeFactory.instance;
    ObjectNode identity = f.objectNode()
        .put("studyInstanceUid", scan.getIdentity().getStudyInstanceUid())
        .put("seriesInstanceUid", scan.getIdentity().getSeriesInstanceUid())
        .put("sopInstanceUid", scan.getIdentity().getSopInstanceUid())
        .put("patientKey", scan.getIdentity().getPatientKey());
    ObjectNode node = f.objectNode();
    node.set("identity", identity);
    node.put("acquisitionTime", scan.getAcquisitionTime().toEpochMilli());
    node.put("source", scan.getSource());
    node.put("sliceIndex", scan.getSliceIndex());
    node.put("sliceCount", scan.getSliceCount());
    node.put("encoding", scan.getEncoding().name());
    node.put("width", scan.getWidth());
    node.put("height", scan.getHeight());
    ByteBuffer image = scan.getImage().duplicate();
    byte[] bytes = new byte[image.remaining()];
    image.get(bytes);
    node.set("image", f.objectNode().put("$bytes", Base64.getEncoder().encodeToString(bytes)));
    ObjectNode attributes = node.putObject("attributes");
    new java.util.TreeMap<>(scan.getAttributes()).forEach(attributes::put);
    return node;
  }

  private static List<JsonNode> ofEvent(List<JsonNode> events, String name) {
    return events.stream().filter(e -> name.equals(e.path("event").asText())).toList();
  }

  /**
   * Installs the pinned JS packages from the committed lockfile when they are missing, so the
   * README's test command alone runs this test on a machine with Node.js and npm.
   */
  static void requireNodeModules() throws Exception {
    if (Files.isDirectory(JS_DIR.resolve("node_modules/@confluentinc/schemaregistry"))
        && Files.isDirectory(JS_DIR.resolve("node_modules/kafkajs"))) {
      return;
    }
    // npm's output goes to a file: the forked test JVM's stdout is Surefire's control channel
    Path log = Files.createTempFile("npm-ci", ".log");
    Process npm;
    try {
      npm = new ProcessBuilder("npm", "ci", "--no-audit", "--no-fund")
          .directory(JS_DIR.toFile()).redirectErrorStream(true)
          .redirectOutput(log.toFile()).start();
    } catch (IOException e) {
      throw new AssertionError("This test needs Node.js 18+ and npm (" + e.getMessage()
          + "); install them, or run `npm ci` in src/test/js", e);
    }
    if (!npm.waitFor(5, TimeUnit.MINUTES) || npm.exitValue() != 0) {
      npm.destroyForcibly();
      fail("`npm ci` in src/test/js failed (the npm registry must be reachable); its output:\n"
          + Files.readString(log));
    }
  }

  private static List<JsonNode> runNode(String bootstrap, String registryUrl, Path schemaFile,
      String produceTopic, String consumeTopic) throws Exception {
    List<String> command = List.of("node", "confluent-compat.mjs",
        "--bootstrap", bootstrap, "--registry", registryUrl,
        "--schema-file", schemaFile.toAbsolutePath().toString(),
        "--produce-topic", produceTopic, "--produce-count", Integer.toString(COUNT),
        "--consume-topic", consumeTopic, "--consume-count", Integer.toString(COUNT),
        "--timeout-ms", "120000");
    Process process;
    try {
      process = new ProcessBuilder(command).directory(JS_DIR.toFile()).start();
    } catch (IOException e) {
      throw new AssertionError("Could not run `node` (" + e.getMessage() + "); install Node.js 18+"
          + " and run `npm ci` in src/test/js", e);
    }
    CompletableFuture<String> stdout = CompletableFuture.supplyAsync(() -> read(process, false));
    CompletableFuture<String> stderr = CompletableFuture.supplyAsync(() -> read(process, true));
    if (!process.waitFor(150, TimeUnit.SECONDS)) {
      process.destroyForcibly();
      fail("node confluent-compat.mjs did not finish within 150 s; stderr:\n"
          + stderr.get(5, TimeUnit.SECONDS));
    }
    String out = stdout.get(10, TimeUnit.SECONDS);
    String err = stderr.get(10, TimeUnit.SECONDS);
    System.err.print(err.lines().map(line -> "[node] " + line + "\n").reduce("", String::concat));
    assertThat(process.exitValue())
        .as("node confluent-compat.mjs exit code; stderr:%n%s%nstdout:%n%s", err, out).isZero();
    List<JsonNode> events = new ArrayList<>();
    for (String line : out.split("\n")) {
      if (line.startsWith("{")) {
        events.add(JSON.readTree(line));
      }
    }
    assertThat(ofEvent(events, "done")).as("script finished; stderr:%n%s", err).hasSize(1);
    return events;
  }

  private static String read(Process process, boolean errorStream) {
    try {
      return new String((errorStream ? process.getErrorStream() : process.getInputStream())
          .readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      return "(unreadable: " + e + ")";
    }
  }

  private static List<ConsumerRecord<String, byte[]>> readRaw(String bootstrap, String topic,
      int count) {
    Map<String, Object> props = new HashMap<>();
    props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
    props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
    List<ConsumerRecord<String, byte[]>> records = new ArrayList<>();
    try (KafkaConsumer<String, byte[]> consumer =
        new KafkaConsumer<>(props, new StringDeserializer(), new ByteArrayDeserializer())) {
      List<TopicPartition> partitions = consumer.partitionsFor(topic).stream()
          .map(p -> new TopicPartition(topic, p.partition())).toList();
      assertThat(partitions).as("partitions of %s", topic).hasSize(1);
      consumer.assign(partitions);
      consumer.seekToBeginning(partitions);
      long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
      while (records.size() < count && System.nanoTime() < deadline) {
        consumer.poll(Duration.ofMillis(500)).forEach(records::add);
      }
    }
    assertThat(records).as("records the JS producer wrote to %s", topic).hasSize(count);
    return records;
  }
}
