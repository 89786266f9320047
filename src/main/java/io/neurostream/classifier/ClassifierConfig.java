package io.neurostream.classifier;

import io.neurostream.config.CommonConfig;
import io.neurostream.config.Configuration;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.streams.StreamsConfig;

/**
 * Configuration of {@code neurostream classifier}: the common keys, the classifier's keys and the
 * Kafka Streams properties derived from them.
 *
 * @param common bootstrap servers, registry, metrics port, state dir, passed-through client props
 * @param applicationId Kafka Streams application id
 * @param modelBundle bundle served until a release exists
 * @param modelVersion pinned version, if any
 * @param device inference device name
 * @param numStreamThreads stream threads
 * @param processingGuarantee {@code exactly_once_v2} or {@code at_least_once}
 * @param topology batch and validation settings
 * @param leaveGroupOnClose whether a stopping instance leaves the consumer group
 */
public record ClassifierConfig(
    CommonConfig common,
    String applicationId,
    Optional<Path> modelBundle,
    Optional<String> modelVersion,
    String device,
    int numStreamThreads,
    String processingGuarantee,
    TopologySettings topology,
    boolean leaveGroupOnClose) {

  /** Reads the classifier's configuration (load it with CommonKeys and ClassifierKeys). */
  public static ClassifierConfig from(Configuration c) {
    return new ClassifierConfig(
        CommonConfig.from(c),
        c.get(ClassifierKeys.APPLICATION_ID),
        c.find(ClassifierKeys.MODEL_BUNDLE),
        c.find(ClassifierKeys.MODEL_VERSION),
        c.get(ClassifierKeys.MODEL_DEVICE),
        c.get(ClassifierKeys.NUM_STREAM_THREADS),
        c.get(ClassifierKeys.PROCESSING_GUARANTEE),
        topologySettings(c),
        c.get(ClassifierKeys.LEAVE_GROUP_ON_CLOSE));
  }

  /** The topology settings, with the consumer/producer limits taken from the passthrough. */
  static TopologySettings topologySettings(Configuration c) {
    Map<String, String> m = new HashMap<>();
    Map<String, String> kafka = c.kafkaClientProperties();
    m.put(TopologySettings.MAX_POLL_INTERVAL_MS, firstOf(kafka,
        ConsumerConfig.MAX_POLL_INTERVAL_MS_CONFIG, "main.consumer.max.poll.interval.ms",
        "consumer.max.poll.interval.ms"));
    m.put(TopologySettings.TRANSACTION_TIMEOUT_MS, firstOf(kafka,
        ProducerConfig.TRANSACTION_TIMEOUT_CONFIG, "producer.transaction.timeout.ms"));
    m.put(TopologySettings.BATCH_MAX_SIZE, c.get(ClassifierKeys.BATCH_MAX_SIZE).toString());
    m.put(TopologySettings.BATCH_MAX_DELAY_MS,
        Long.toString(c.get(ClassifierKeys.BATCH_MAX_DELAY).toMillis()));
    m.put(TopologySettings.INFERENCE_MAX_MS_PER_IMAGE,
        Long.toString(c.get(ClassifierKeys.INFERENCE_MAX_PER_IMAGE).toMillis()));
    m.put(TopologySettings.SCAN_MAX_PAYLOAD_BYTES,
        c.get(ClassifierKeys.SCAN_MAX_PAYLOAD_BYTES).toString());
    m.put(TopologySettings.SCAN_MIN_DIMENSION, c.get(ClassifierKeys.SCAN_MIN_DIMENSION).toString());
    m.put(TopologySettings.SCAN_MAX_DIMENSION, c.get(ClassifierKeys.SCAN_MAX_DIMENSION).toString());
    m.put(TopologySettings.BATCH_BUFFER_PERSISTENT,
        c.get(ClassifierKeys.BATCH_BUFFER_PERSISTENT).toString());
    m.put(TopologySettings.DEDUP_RETENTION_MS,
        Long.toString(c.get(ClassifierKeys.DEDUP_RETENTION).toMillis()));
    m.put(TopologySettings.BATCH_MAX_PIXELS, c.get(ClassifierKeys.BATCH_MAX_PIXELS).toString());
    m.values().removeIf(v -> v == null);
    return TopologySettings.from(m);
  }

  private static String firstOf(Map<String, String> props, String... names) {
    for (String n : names) {
      if (props.get(n) != null) {
        return props.get(n);
      }
    }
    return null;
  }

  /**
   * Kafka Streams properties: defaults first, then the passed-through client properties, then
   * what the classifier must decide itself (ids, guarantee, threads, limits checked at start).
   */
  public Properties streamsProperties() {
    Properties p = new Properties();
    // defaults an operator may override through the passthrough
    p.put(StreamsConfig.COMMIT_INTERVAL_MS_CONFIG, "100");
    p.put(StreamsConfig.ROCKSDB_CONFIG_SETTER_CLASS_CONFIG, SmallBufferRocksConfig.class.getName());
    // we have no global state; this only silences Kafka's start-up advice about it
    p.put("processing.exception.handler.global.enabled", "true");
    p.put(StreamsConfig.REPLICATION_FACTOR_CONFIG, Short.toString(common.replicationFactor()));
    // a partly filled batch must not wait for a poll that blocks longer than the batch delay
    p.put(StreamsConfig.POLL_MS_CONFIG,
        Long.toString(Math.max(1, Math.min(100, topology.batchMaxDelayMs()))));
    p.put(StreamsConfig.consumerPrefix(ConsumerConfig.MAX_PARTITION_FETCH_BYTES_CONFIG),
        Integer.toString(Math.max(1 << 20, topology.scanMaxPayloadBytes() + (64 << 10))));
    p.put(StreamsConfig.producerPrefix(ProducerConfig.MAX_REQUEST_SIZE_CONFIG),
        Integer.toString(2 * topology.scanMaxPayloadBytes() + (64 << 10)));
    // a stream thread polls after at most one batch of records, so it joins a rebalance (an
    // instance left: take its partitions) or notices a close within a batch, not after working
    // through the default 1000 records
    p.put(StreamsConfig.mainConsumerPrefix(ConsumerConfig.MAX_POLL_RECORDS_CONFIG),
        Integer.toString(topology.batchMaxSize()));
    // members learn that a rebalance started within 1 s instead of the default 3 s
    p.put(StreamsConfig.mainConsumerPrefix(ConsumerConfig.HEARTBEAT_INTERVAL_MS_CONFIG), "1000");
    p.putAll(common.kafkaProperties());
    p.put(StreamsConfig.APPLICATION_ID_CONFIG, applicationId);
    p.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, common.bootstrapServers());
    p.put(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, processingGuarantee);
    p.put(StreamsConfig.NUM_STREAM_THREADS_CONFIG, Integer.toString(numStreamThreads));
    p.put(StreamsConfig.STATE_DIR_CONFIG, common.stateDir().toString());
    p.put(StreamsConfig.consumerPrefix(ConsumerConfig.MAX_POLL_INTERVAL_MS_CONFIG),
        Long.toString(topology.maxPollIntervalMs()));
    p.put(StreamsConfig.producerPrefix(ProducerConfig.TRANSACTION_TIMEOUT_CONFIG),
        Long.toString(topology.transactionTimeoutMs()));
    return p;
  }
}
