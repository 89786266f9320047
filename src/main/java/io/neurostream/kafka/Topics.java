package io.neurostream.kafka;

import io.neurostream.avro.DeadLetter;
import io.neurostream.avro.Explanation;
import io.neurostream.avro.LabeledScan;
import io.neurostream.avro.ModelRelease;
import io.neurostream.avro.Prediction;
import io.neurostream.avro.ScanEvent;
import io.neurostream.avro.SeriesVerdict;
import io.neurostream.avro.ServiceStatus;
import io.neurostream.serde.AvroSerdes;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;

/**
 * Every topic NeuroStream reads or writes, declared once with its layout, configs and serdes.
 * Keys are Strings: the scan's SOP Instance UID, or the model version. Values are Avro records in
 * the Confluent wire format, except model artifact chunks, which are raw bytes.
 *
 * <p>The schema registry's own {@code _schemas} topic is not declared here; the registry creates
 * and owns it.
 *
 * <p>Replication factor is {@value #DEFAULT_REPLICATION_FACTOR} in these constants (the embedded
 * single-node broker); production deployments apply theirs with {@link #all(short)}.
 */
public final class Topics {

  /** Replication factor of the constants below: one broker in the demo and the tests. */
  public static final short DEFAULT_REPLICATION_FACTOR = 1;

  /**
   * Largest scan record a topic carrying images accepts. Producers must raise
   * {@code max.request.size} and consumers {@code max.partition.fetch.bytes} to match.
   */
  public static final int MAX_SCAN_BYTES = 8 * 1024 * 1024;

  /**
   * Largest model-artifact chunk record (payload plus headers and batch overhead). Chunk the
   * bundle into pieces of at most {@link #ARTIFACT_CHUNK_BYTES}.
   */
  public static final int MAX_ARTIFACT_RECORD_BYTES = 16 * 1024 * 1024;

  /** Suggested payload size of one model-artifact chunk, well below the record limit. */
  public static final int ARTIFACT_CHUNK_BYTES = 4 * 1024 * 1024;

  private static final String KEEP_FOREVER = "-1";

  /** Incoming MRI slices ({@link ScanEvent}), keyed by SOP Instance UID; kept 7 days. */
  public static final Topic<String, ScanEvent> SCANS = new Topic<>(
      "mri.scans", 6, DEFAULT_REPLICATION_FACTOR,
      Map.of(
          "cleanup.policy", "delete",
          "retention.ms", millis(Duration.ofDays(7)),
          "max.message.bytes", Integer.toString(MAX_SCAN_BYTES)),
      strings(), avro(ScanEvent.class));

  /** One {@link Prediction} per scan, keyed by SOP Instance UID; kept 30 days. */
  public static final Topic<String, Prediction> PREDICTIONS = new Topic<>(
      "mri.predictions", 6, DEFAULT_REPLICATION_FACTOR,
      Map.of(
          "cleanup.policy", "delete",
          "retention.ms", millis(Duration.ofDays(30))),
      strings(), avro(Prediction.class));

  /**
   * Scans that could not be classified ({@link DeadLetter} with the original bytes), keyed by SOP
   * Instance UID when known; kept 30 days so they can be fixed and replayed. Twice the scan limit
   * because a dead letter wraps the original record.
   */
  public static final Topic<String, DeadLetter> SCANS_DLQ = new Topic<>(
      "mri.scans.dlq", 6, DEFAULT_REPLICATION_FACTOR,
      Map.of(
          "cleanup.policy", "delete",
          "retention.ms", millis(Duration.ofDays(30)),
          "max.message.bytes", Integer.toString(2 * MAX_SCAN_BYTES)),
      strings(), avro(DeadLetter.class));

  /**
   * Radiologists' confirmed labels ({@link LabeledScan}), keyed by SOP Instance UID. Compacted: the
   * trainer's labeled set is durable, and a corrected label replaces the earlier one.
   */
  public static final Topic<String, LabeledScan> LABELS = new Topic<>(
      "mri.labels", 3, DEFAULT_REPLICATION_FACTOR,
      Map.of(
          "cleanup.policy", "compact",
          "max.message.bytes", Integer.toString(MAX_SCAN_BYTES)),
      strings(), avro(LabeledScan.class));

  /**
   * Model releases ({@link ModelRelease}), keyed by model version. Compacted and one partition:
   * every classifier reads the whole history in order at start-up.
   */
  public static final Topic<String, ModelRelease> MODEL_RELEASES = new Topic<>(
      "mri.model-releases", 1, DEFAULT_REPLICATION_FACTOR,
      Map.of("cleanup.policy", "compact"),
      strings(), avro(ModelRelease.class));

  /**
   * Model bundles as raw byte chunks, keyed by model version (all chunks of one bundle share the
   * key, in order on one partition). Not compacted, because compaction would keep only the last
   * chunk of each version; retained forever instead, and a release's artifact stays readable for
   * as long as its {@code kafka://} URI is referenced.
   */
  public static final Topic<String, byte[]> MODEL_ARTIFACTS = new Topic<>(
      "mri.model-artifacts", 1, DEFAULT_REPLICATION_FACTOR,
      Map.of(
          "cleanup.policy", "delete",
          "retention.ms", KEEP_FOREVER,
          "retention.bytes", KEEP_FOREVER,
          "max.message.bytes", Integer.toString(MAX_ARTIFACT_RECORD_BYTES)),
      strings(), config -> Serdes.ByteArray());

  /**
   * One {@link SeriesVerdict} per series and revision, keyed by Series Instance UID (the highest
   * revision is the current verdict); kept 30 days.
   */
  public static final Topic<String, SeriesVerdict> SERIES_VERDICTS = new Topic<>(
      "mri.series-verdicts", 6, DEFAULT_REPLICATION_FACTOR,
      Map.of(
          "cleanup.policy", "delete",
          "retention.ms", millis(Duration.ofDays(30))),
      strings(), avro(SeriesVerdict.class));

  /**
   * Grad-CAM maps ({@link Explanation}) of the slices that support each series verdict, keyed by
   * SOP Instance UID; kept 30 days.
   */
  public static final Topic<String, Explanation> EXPLANATIONS = new Topic<>(
      "mri.explanations", 6, DEFAULT_REPLICATION_FACTOR,
      Map.of(
          "cleanup.policy", "delete",
          "retention.ms", millis(Duration.ofDays(30))),
      strings(), avro(Explanation.class));

  /**
   * Heartbeats of running service instances ({@link ServiceStatus}), keyed by
   * {@code service/instanceId}. Compacted, one partition, and short-lived segments so compaction
   * keeps it small: the console reads it whole to know what runs (see {@link StatusPublisher}).
   */
  public static final Topic<String, ServiceStatus> SERVICE_STATUS = new Topic<>(
      "mri.service-status", 1, DEFAULT_REPLICATION_FACTOR,
      Map.of(
          "cleanup.policy", "compact",
          "segment.ms", millis(Duration.ofHours(1)),
          "delete.retention.ms", millis(Duration.ofHours(1)),
          "min.cleanable.dirty.ratio", "0.1"),
      strings(), avro(ServiceStatus.class));

  private static final List<Topic<?, ?>> ALL =
      List.of(SCANS, PREDICTIONS, SCANS_DLQ, LABELS, MODEL_RELEASES, MODEL_ARTIFACTS,
          SERIES_VERDICTS, EXPLANATIONS, SERVICE_STATUS);

  private Topics() {}

  /** Every declared topic, as declared (replication factor {@value #DEFAULT_REPLICATION_FACTOR}). */
  public static List<Topic<?, ?>> all() {
    return ALL;
  }

  /** Every declared topic with the given replication factor (e.g. 3 on a production cluster). */
  public static List<Topic<?, ?>> all(short replicationFactor) {
    return ALL.stream().<Topic<?, ?>>map(t -> t.withReplicationFactor(replicationFactor)).toList();
  }

  /** The declaration of the topic with this name, if it is one of ours. */
  public static Optional<Topic<?, ?>> byName(String name) {
    return ALL.stream().filter(t -> t.name().equals(name)).findFirst();
  }

  private static Function<Map<String, ?>, Serde<String>> strings() {
    return config -> Serdes.String();
  }

  private static <T extends SpecificRecord> Function<Map<String, ?>, Serde<T>> avro(Class<T> type) {
    return config -> AvroSerdes.specific(type, config, false);
  }

  private static String millis(Duration d) {
    return Long.toString(d.toMillis());
  }
}
