package io.neurostream.verdict;

import io.neurostream.avro.SeriesAggregation;
import io.neurostream.config.CommonConfig;
import io.neurostream.config.Configuration;
import io.neurostream.model.SeriesAggregator;
import java.util.Properties;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.streams.StreamsConfig;

/**
 * Configuration of the verdict stage: the common keys, the {@link VerdictKeys} and the Kafka
 * Streams properties derived from them.
 *
 * @param common bootstrap servers, registry, state dir, passed-through client properties
 * @param enabled whether the classifier process runs the stage too
 * @param applicationId Kafka Streams application id
 * @param settings gap, retention, aggregation, supporting slices
 * @param explain which slices get Grad-CAM explanations
 * @param results whether and where verdicts go back to the PACS
 */
public record VerdictConfig(CommonConfig common, boolean enabled, String applicationId,
    VerdictSettings settings, ExplainMode explain, ResultsConfig results) {

  /** Reads the configuration (load it with CommonKeys and VerdictKeys). */
  public static VerdictConfig from(Configuration c) {
    return new VerdictConfig(CommonConfig.from(c), c.get(VerdictKeys.ENABLED),
        c.get(VerdictKeys.APPLICATION_ID), settings(c),
        ExplainMode.parse(c.get(VerdictKeys.EXPLAIN_MODE)), ResultsConfig.from(c));
  }

  static VerdictSettings settings(Configuration c) {
    return new VerdictSettings(c.get(VerdictKeys.SERIES_GAP), c.get(VerdictKeys.SERIES_RETENTION),
        aggregation(c.get(VerdictKeys.AGGREGATION)), c.get(VerdictKeys.SUPPORT_SLICES));
  }

  /**
   * Properties of a consumer of the stage's side threads (explainer, results sender): group
   * {@code <application id>-<role>}, committed records only, offsets committed by hand, from the
   * earliest record when the group is new.
   */
  public java.util.Map<String, Object> sideConsumer(String role, int maxPollRecords) {
    java.util.Map<String, Object> c = new java.util.HashMap<>(common.kafkaProperties());
    c.put(ConsumerConfig.GROUP_ID_CONFIG, applicationId + "-" + role);
    c.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
    c.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
    c.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
    c.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, maxPollRecords);
    return c;
  }

  /** {@code mean-prob} or {@code mean-log-prob} as the schema's enum. */
  public static SeriesAggregation aggregation(String name) {
    return SeriesAggregator.parse(name);
  }

  /**
   * Kafka Streams properties: defaults first, then the passed-through client properties, then what
   * the stage decides itself (id, exactly-once). Its state lives under its own application id in
   * {@code state.dir}, beside the classifier's.
   */
  public Properties streamsProperties() {
    Properties p = new Properties();
    p.put(StreamsConfig.COMMIT_INTERVAL_MS_CONFIG, "100");
    // no global state; this only silences Kafka's start-up advice about it
    p.put("processing.exception.handler.global.enabled", "true");
    p.put(StreamsConfig.REPLICATION_FACTOR_CONFIG, Short.toString(common.replicationFactor()));
    p.putAll(common.kafkaProperties());
    // a static member id passed through for the classifier gets a suffix of its own here, so
    // that a restarted process takes its verdict stage's place at once too
    for (String k : new String[] {"main.consumer.group.instance.id", "group.instance.id"}) {
      Object id = p.get(k);
      if (id != null) {
        p.put(k, id + "-verdict");
      }
    }
    p.put(StreamsConfig.APPLICATION_ID_CONFIG, applicationId);
    p.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, common.bootstrapServers());
    p.put(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, StreamsConfig.EXACTLY_ONCE_V2);
    p.put(StreamsConfig.STATE_DIR_CONFIG, common.stateDir().toString());
    return p;
  }
}
