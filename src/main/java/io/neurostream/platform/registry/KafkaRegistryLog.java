package io.neurostream.platform.registry;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.neurostream.config.Plural;
import io.neurostream.platform.registry.RegistryRecord.Config;
import io.neurostream.platform.registry.RegistryRecord.SchemaVersion;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The registry's log in a compacted, single-partition Kafka topic ({@code _schemas} by default),
 * as Confluent's registry keeps it, with Confluent's JSON key and value layout:
 * {@code {"keytype":"SCHEMA","subject":"s","version":1,"magic":1}} →
 * {@code {"subject":"s","version":1,"id":1,"schema":"...","deleted":false}}, and
 * {@code {"keytype":"CONFIG","subject":null,"magic":0}} → {@code {"compatibilityLevel":"BACKWARD"}}.
 * One key per subject-version, so compaction keeps the latest state of each. Records of kinds this
 * registry does not use (Confluent's NOOP, MODE, ...) are skipped on replay.
 *
 * <p>Appends wait for the broker's acknowledgement ({@code acks=all}); one registry process writes
 * the topic at a time (there is no leader election).
 */
final class KafkaRegistryLog implements RegistryLog {

  static final String DEFAULT_TOPIC = "_schemas";
  private static final Logger LOG = LoggerFactory.getLogger(KafkaRegistryLog.class);

  private final String bootstrap;
  private final Map<String, Object> client;
  private final String topic;
  private final Duration timeout;
  private final ObjectMapper json = new ObjectMapper();
  private final KafkaProducer<String, String> producer;

  /**
   * @param clientProperties {@code bootstrap.servers} and any other Kafka client properties
   *     (security: {@code security.protocol}, {@code sasl.*}, {@code ssl.*}) of every client
   */
  KafkaRegistryLog(Map<String, ?> clientProperties, String topic, Duration timeout) {
    this.client = Map.copyOf(clientProperties);
    this.bootstrap = String.valueOf(client.get(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG));
    this.topic = topic;
    this.timeout = timeout;
    ensureTopic();
    Properties props = clientProperties();
    props.put(ProducerConfig.ACKS_CONFIG, "all");
    props.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true");
    props.put(ProducerConfig.LINGER_MS_CONFIG, "0");
    props.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, Long.toString(timeout.toMillis()));
    props.put(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, Long.toString(timeout.toMillis()));
    props.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, Long.toString(timeout.toMillis() + 1000));
    props.put(ProducerConfig.CLIENT_ID_CONFIG, "schema-registry-writer");
    this.producer = new KafkaProducer<>(props, new StringSerializer(), new StringSerializer());
  }

  private Properties clientProperties() {
    Properties props = new Properties();
    props.putAll(client);
    return props;
  }

  private void ensureTopic() {
    Properties props = clientProperties();
    props.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, (int) timeout.toMillis());
    props.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, (int) timeout.toMillis());
    try (Admin admin = Admin.create(props)) {
      int brokers = admin.describeCluster().nodes().get(timeout.toMillis(), TimeUnit.MILLISECONDS)
          .size();
      short replication = (short) Math.max(1, Math.min(3, brokers));
      NewTopic schemas = new NewTopic(topic, 1, replication).configs(Map.of(
          TopicConfig.CLEANUP_POLICY_CONFIG, TopicConfig.CLEANUP_POLICY_COMPACT));
      try {
        admin.createTopics(List.of(schemas)).all().get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        LOG.info("Created schema registry topic {} (compacted, replication {})", topic, replication);
      } catch (ExecutionException e) {
        if (!(e.getCause() instanceof TopicExistsException)) {
          throw e;
        }
      }
    } catch (ExecutionException | TimeoutException e) {
      throw new IllegalStateException("Could not create or find the schema topic '" + topic
          + "' on Kafka at " + bootstrap + ": " + (e.getCause() != null ? e.getCause() : e)
          + "; check that the broker is up and reachable", e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("Interrupted while creating the schema topic", e);
    }
  }

  @Override
  public List<RegistryRecord> readAll() {
    Properties props = clientProperties();
    props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
    props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
    props.put(ConsumerConfig.CLIENT_ID_CONFIG, "schema-registry-reader");
    TopicPartition partition = new TopicPartition(topic, 0);
    List<RegistryRecord> records = new ArrayList<>();
    try (KafkaConsumer<String, String> consumer =
        new KafkaConsumer<>(props, new StringDeserializer(), new StringDeserializer())) {
      consumer.assign(List.of(partition));
      consumer.seekToBeginning(List.of(partition));
      long end = consumer.endOffsets(List.of(partition), timeout).get(partition);
      long deadline = System.nanoTime() + timeout.toNanos();
      while (consumer.position(partition, timeout) < end) {
        if (System.nanoTime() > deadline) {
          throw new IllegalStateException("Could not read the schema topic '" + topic + "' to its"
              + " end (offset " + end + ") within " + timeout + " from Kafka at " + bootstrap);
        }
        for (ConsumerRecord<String, String> record : consumer.poll(Duration.ofMillis(200))) {
          parse(record).ifPresent(records::add);
        }
      }
    }
    LOG.info("Read {} from schema topic {}", Plural.of(records.size(), "record"), topic);
    return records;
  }

  private java.util.Optional<RegistryRecord> parse(ConsumerRecord<String, String> record) {
    try {
      if (record.key() == null) {
        return java.util.Optional.empty();
      }
      JsonNode key = json.readTree(record.key());
      String keyType = key.path("keytype").asText("");
      JsonNode value = record.value() == null ? null : json.readTree(record.value());
      switch (keyType) {
        case "SCHEMA" -> {
          if (value == null) {
            return java.util.Optional.empty();
          }
          String type = value.path("schemaType").asText("AVRO");
          if (!type.equals("AVRO")) {
            return java.util.Optional.empty();
          }
          return java.util.Optional.of(new SchemaVersion(value.get("subject").asText(),
              value.get("version").asInt(), value.get("id").asInt(),
              value.get("schema").asText(), value.path("deleted").asBoolean(false)));
        }
        case "CONFIG" -> {
          JsonNode subject = key.get("subject");
          String name = subject == null || subject.isNull() ? null : subject.asText();
          JsonNode level = value == null ? null : value.get("compatibilityLevel");
          return java.util.Optional.of(new Config(name,
              level == null || level.isNull() ? null : CompatibilityLevel.parse(level.asText())));
        }
        default -> {
          return java.util.Optional.empty();
        }
      }
    } catch (IOException | RuntimeException e) {
      LOG.warn("Skipping unreadable record at offset {} of {}: {}", record.offset(), topic,
          e.toString());
      return java.util.Optional.empty();
    }
  }

  @Override
  public void append(RegistryRecord record) {
    ObjectNode key = json.createObjectNode();
    ObjectNode value = json.createObjectNode();
    if (record instanceof SchemaVersion v) {
      key.put("keytype", "SCHEMA").put("subject", v.subject()).put("version", v.version())
          .put("magic", 1);
      value.put("subject", v.subject()).put("version", v.version()).put("id", v.id())
          .put("schema", v.schema()).put("deleted", v.deleted());
    } else if (record instanceof Config c) {
      key.put("keytype", "CONFIG");
      if (c.subject() == null) {
        key.putNull("subject");
      } else {
        key.put("subject", c.subject());
      }
      key.put("magic", 0);
      if (c.level() == null) {
        value = null;
      } else {
        value.put("compatibilityLevel", c.level().name());
      }
    }
    try {
      producer.send(new ProducerRecord<>(topic, 0, key.toString(),
              value == null ? null : value.toString()))
          .get(timeout.toMillis() + 2000, TimeUnit.MILLISECONDS);
    } catch (ExecutionException | TimeoutException e) {
      throw new IllegalStateException("could not write to topic '" + topic + "' on " + bootstrap
          + ": " + (e.getCause() != null ? e.getCause() : e), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while writing to topic '" + topic + "'", e);
    }
  }

  @Override
  public String describe() {
    return "Kafka topic '" + topic + "' at " + bootstrap;
  }

  @Override
  public void close() {
    producer.close(Duration.ofSeconds(5));
  }
}
