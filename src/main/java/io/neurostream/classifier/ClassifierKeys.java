package io.neurostream.classifier;

import io.neurostream.config.ConfigKey;
import io.neurostream.config.ConfigKeySet;
import io.neurostream.config.Configuration;
import io.neurostream.config.ValueType;
import io.neurostream.kafka.Topics;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * Keys of {@code neurostream classifier}. Kafka client and Streams properties such as
 * {@code max.poll.interval.ms} or {@code transaction.timeout.ms} are not ours: they pass through
 * ({@code KAFKA_MAX_POLL_INTERVAL_MS}) and the batch budget check reads them from there.
 */
public final class ClassifierKeys implements ConfigKeySet {

  public static final ConfigKey<String> APPLICATION_ID = ConfigKey.of(
      "application.id", ValueType.string(), "neurostream-classifier",
      "Kafka Streams application id: instances with the same id share the scans' partitions.");

  public static final ConfigKey<Path> MODEL_BUNDLE = ConfigKey.optional(
      "model.bundle", ValueType.path(),
      "Model bundle served until a PROMOTED release exists on mri.model-releases.");

  public static final ConfigKey<String> MODEL_VERSION = ConfigKey.optional(
      "model.version", ValueType.string(),
      "Pin: serve this model version only and stop following releases.");

  public static final ConfigKey<String> MODEL_DEVICE = ConfigKey.of(
      "model.device", ValueType.string(), "auto",
      "Where inference runs: auto (a GPU if present, else the CPU), cpu, gpu or gpuN.");

  public static final ConfigKey<Integer> BATCH_MAX_SIZE = ConfigKey.of(
      TopologySettings.BATCH_MAX_SIZE, ValueType.intIn(1, 1024), 32,
      "Most scans per inference batch (per stream thread, over its partitions).");

  public static final ConfigKey<Duration> BATCH_MAX_DELAY = ConfigKey.of(
      TopologySettings.BATCH_MAX_DELAY_MS, ValueType.millis(Duration.ofMillis(1), Duration.ofHours(1)),
      Duration.ofMillis(50), "Longest a scan waits for its batch to fill (a batch is filled from "
          + "all partitions of a stream thread).");

  public static final ConfigKey<Duration> INFERENCE_MAX_PER_IMAGE = ConfigKey.of(
      TopologySettings.INFERENCE_MAX_MS_PER_IMAGE,
      ValueType.millis(Duration.ofMillis(1), Duration.ofMinutes(10)), Duration.ofMillis(500),
      "Upper bound of inference time per image on this hardware, for the start-up check that a "
          + "batch finishes well within max.poll.interval.ms and transaction.timeout.ms.");

  public static final ConfigKey<Integer> NUM_STREAM_THREADS = ConfigKey.of(
      "num.stream.threads", ValueType.intIn(1, 64), 1,
      "Stream threads of this instance, each with its own Predictor over the shared model.");

  public static final ConfigKey<String> PROCESSING_GUARANTEE = ConfigKey.of(
      "processing.guarantee", ValueType.oneOf("exactly_once_v2", "at_least_once"),
      "exactly_once_v2", "exactly_once_v2: one prediction per scan through crashes.");

  public static final ConfigKey<Integer> SCAN_MAX_PAYLOAD_BYTES = ConfigKey.of(
      TopologySettings.SCAN_MAX_PAYLOAD_BYTES, ValueType.intIn(1024, Integer.MAX_VALUE),
      Topics.MAX_SCAN_BYTES, "Larger scan records become PAYLOAD_TOO_LARGE dead letters.");

  public static final ConfigKey<Integer> SCAN_MIN_DIMENSION = ConfigKey.of(
      TopologySettings.SCAN_MIN_DIMENSION, ValueType.intIn(1, 65535), 16,
      "Smallest image width/height accepted; smaller is DIMENSIONS_OUT_OF_RANGE.");

  public static final ConfigKey<Integer> SCAN_MAX_DIMENSION = ConfigKey.of(
      TopologySettings.SCAN_MAX_DIMENSION, ValueType.intIn(1, 65535), 4096,
      "Largest image width/height accepted; larger is DIMENSIONS_OUT_OF_RANGE.");

  public static final ConfigKey<Boolean> BATCH_BUFFER_PERSISTENT = ConfigKey.of(
      TopologySettings.BATCH_BUFFER_PERSISTENT, ValueType.bool(), true,
      "Keep the batch buffer in a small RocksDB store rather than in memory (both are "
          + "changelogged); persistent state keeps the transactional ids stable across restarts.");

  public static final ConfigKey<Integer> BATCH_MAX_PIXELS = ConfigKey.of(
      TopologySettings.BATCH_MAX_PIXELS, ValueType.intIn(1 << 16, Integer.MAX_VALUE), 16 << 20,
      "Most decoded pixels a batch holds at once (4 bytes each): a batch over it is inferred in "
          + "parts; a scan alone over it is an OVER_PIXEL_BUDGET dead letter.");

  public static final ConfigKey<Boolean> LEAVE_GROUP_ON_CLOSE = ConfigKey.of(
      "leave.group.on.close", ValueType.bool(), true,
      "A stopping instance leaves the consumer group, so its partitions move to the others at once "
          + "(scale-in, rolling updates); false keeps a static member's partitions for "
          + "session.timeout.ms, for a restart in place without a rebalance.");

  public static final ConfigKey<Duration> DEDUP_RETENTION = ConfigKey.of(
      TopologySettings.DEDUP_RETENTION_MS,
      ValueType.millis(Duration.ofMinutes(1), Duration.ofDays(365)), Duration.ofDays(7),
      "How long the intake remembers a scan (SOP Instance UID + image SHA-256) so that a re-sent "
          + "copy (a PACS or client retry) gets no second prediction; bounded state, changelogged.");

  @Override
  public String service() {
    return "classifier";
  }

  @Override
  public List<ConfigKey<?>> keys() {
    return List.of(APPLICATION_ID, MODEL_BUNDLE, MODEL_VERSION, MODEL_DEVICE, BATCH_MAX_SIZE,
        BATCH_MAX_DELAY, INFERENCE_MAX_PER_IMAGE, NUM_STREAM_THREADS, PROCESSING_GUARANTEE,
        SCAN_MAX_PAYLOAD_BYTES, SCAN_MIN_DIMENSION, SCAN_MAX_DIMENSION, BATCH_BUFFER_PERSISTENT,
        LEAVE_GROUP_ON_CLOSE, DEDUP_RETENTION, BATCH_MAX_PIXELS);
  }

  @Override
  public List<String> check(Configuration c) {
    try {
      ClassifierConfig.topologySettings(c);
      return List.of();
    } catch (IllegalArgumentException e) {
      return List.of(e.getMessage());
    }
  }
}
