package io.neurostream.kafka;

import io.neurostream.config.CommonConfig;
import java.util.HashMap;
import java.util.Map;
import java.util.UUID;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * Builds the producers and consumers of the command-line tools ({@code ingest}, {@code label},
 * {@code tail}) for our {@link Topic}s, from the configured client properties (bootstrap servers,
 * security, tuning) and the serde configuration, so every tool talks to Kafka the same way.
 *
 * @param clientProperties Kafka client properties, e.g. {@code CommonConfig.kafkaProperties()}
 * @param serdeConfig the Avro serdes' configuration, e.g. {@code CommonConfig.serdeConfig()}
 */
public record KafkaClients(Map<String, Object> clientProperties, Map<String, ?> serdeConfig) {

  /** Producers and consumers for our topics, built from a service's common settings. */
  public static KafkaClients of(CommonConfig common) {
    return new KafkaClients(common.kafkaProperties(), common.serdeConfig());
  }

  public KafkaClients {
    clientProperties = Map.copyOf(clientProperties);
    serdeConfig = Map.copyOf(serdeConfig);
  }

  /**
   * A producer for {@code topic}: idempotent with {@code acks=all} so a retry never duplicates or
   * loses a scan, a short linger to batch a folder's files, and requests large enough for the
   * biggest scan. Each default gives way to a property the user configured.
   */
  public <V> KafkaProducer<String, V> producer(Topic<String, V> topic) {
    return new KafkaProducer<>(producerProperties(), new StringSerializer(),
        topic.valueSerde(serdeConfig).serializer());
  }

  /**
   * A consumer of {@code topic} that sees committed records only and commits nothing, for tools
   * that assign partitions themselves; its client id is {@code clientIdPrefix} plus a random
   * suffix, so several copies can run at once.
   */
  public <V> KafkaConsumer<String, V> readCommittedConsumer(Topic<String, V> topic,
      String clientIdPrefix) {
    return new KafkaConsumer<>(readCommitted(clientProperties, clientIdPrefix),
        new StringDeserializer(), topic.valueSerde(serdeConfig).deserializer());
  }

  /** The properties of {@link #producer}. */
  public Map<String, Object> producerProperties() {
    Map<String, Object> props = new HashMap<>(clientProperties);
    props.putIfAbsent(ProducerConfig.ACKS_CONFIG, "all");
    props.putIfAbsent(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
    props.putIfAbsent(ProducerConfig.LINGER_MS_CONFIG, 10);
    props.putIfAbsent(ProducerConfig.MAX_REQUEST_SIZE_CONFIG, Topics.MAX_SCAN_BYTES);
    return props;
  }

  /**
   * {@code clientProperties} for a consumer that reads committed records only and never commits
   * offsets (these consumers assign partitions and seek themselves), with a unique client id.
   */
  public static Map<String, Object> readCommitted(Map<String, Object> clientProperties,
      String clientIdPrefix) {
    Map<String, Object> props = new HashMap<>(clientProperties);
    props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
    props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
    props.put(ConsumerConfig.CLIENT_ID_CONFIG, clientIdPrefix + "-" + UUID.randomUUID());
    return props;
  }
}
