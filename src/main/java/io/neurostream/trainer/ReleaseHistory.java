package io.neurostream.trainer;

import io.neurostream.avro.ModelRelease;
import io.neurostream.avro.ReleaseStatus;
import io.neurostream.release.ReleaseLedger;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.Deserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Every release record on the releases topic, in topic order, as committed ({@code read_committed},
 * so a publication that never completed is not there). Which release is served follows the
 * classifiers' own rule, {@link ReleaseLedger}, so the trainer, the {@code models} commands and the
 * classifiers agree on what "current" means.
 *
 * @param records the release records in topic order (a compacted topic may have dropped older
 *     records of a version; its newest stays)
 */
public record ReleaseHistory(List<ModelRelease> records) {

  private static final Logger LOG = LoggerFactory.getLogger(ReleaseHistory.class);

  /** Provenance key: per label partition, the next offset after the labels a round saw. */
  public static final String LABEL_OFFSETS = "trainer.labels.offsets";

  /** Provenance key: when the artifact was first published (epoch ms), kept by re-releases. */
  public static final String ARTIFACT_PUBLISHED_AT = "artifact.published_at";

  public ReleaseHistory {
    records = List.copyOf(records);
  }

  /**
   * Reads {@code topic} from its beginning to its current end.
   *
   * @throws IllegalStateException naming the fix if the topic is missing or unreadable in time
   */
  public static ReleaseHistory read(
      String topic, Map<String, Object> clientConfig, Deserializer<ModelRelease> deserializer,
      Duration timeout) {
    Map<String, Object> props = new HashMap<>(clientConfig);
    props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
    props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
    props.put(ConsumerConfig.CLIENT_ID_CONFIG, "release-history-" + UUID.randomUUID());
    props.remove(ConsumerConfig.GROUP_ID_CONFIG);
    List<ModelRelease> out = new ArrayList<>();
    long deadline = System.nanoTime() + timeout.toNanos();
    try (KafkaConsumer<byte[], byte[]> c =
        new KafkaConsumer<>(props, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
      List<PartitionInfo> infos = c.partitionsFor(topic, timeout);
      if (infos == null || infos.isEmpty()) {
        throw new IllegalStateException("topic " + topic + " does not exist; create the topics "
            + "(neurostream topics)");
      }
      List<TopicPartition> partitions = new ArrayList<>();
      infos.forEach(i -> partitions.add(new TopicPartition(topic, i.partition())));
      c.assign(partitions);
      c.seekToBeginning(partitions);
      Map<TopicPartition, Long> end = c.endOffsets(partitions, timeout);
      while (!reached(c, end)) {
        if (System.nanoTime() > deadline) {
          throw new IllegalStateException("reading " + topic + " took longer than " + timeout
              + "; check that the brokers are reachable");
        }
        for (ConsumerRecord<byte[], byte[]> r : c.poll(Duration.ofMillis(200))) {
          if (r.value() == null) {
            continue;
          }
          try {
            out.add(deserializer.deserialize(r.topic(), r.headers(), r.value()));
          } catch (RuntimeException e) {
            LOG.warn("release record {}-{}@{} is not a readable ModelRelease and is ignored: {}",
                r.topic(), r.partition(), r.offset(), e.getMessage());
          }
        }
      }
    }
    return new ReleaseHistory(out);
  }

  /**
   * This history plus records this process published that the topic does not show yet: a
   * committed transaction's markers reach the partitions a moment after the commit returns, so a
   * read right after publishing may not include it.
   *
   * @return the history and, of {@code published}, the records still missing from it, in order
   */
  public ReleaseHistory including(List<ModelRelease> published) {
    List<ModelRelease> all = new ArrayList<>(records);
    for (ModelRelease p : published) {
      if (records.stream().noneMatch(r -> sameRecord(r, p))) {
        all.add(p);
      }
    }
    return new ReleaseHistory(all);
  }

  /** Whether {@code a} and {@code b} are the same decision (version, status and time). */
  static boolean sameRecord(ModelRelease a, ModelRelease b) {
    return a.getVersion().equals(b.getVersion()) && a.getStatus() == b.getStatus()
        && a.getCreatedAt().equals(b.getCreatedAt());
  }

  /** The release classifiers serve now: the newest PROMOTED one ({@link ReleaseLedger}'s rule). */
  public Optional<ModelRelease> served() {
    ReleaseLedger ledger = new ReleaseLedger();
    records.forEach(ledger::record);
    return ledger.target(Optional.empty());
  }

  /** Each version's newest record, in order of first appearance. */
  public Map<String, ModelRelease> newestByVersion() {
    Map<String, ModelRelease> out = new LinkedHashMap<>();
    for (ModelRelease r : records) {
      out.remove(r.getVersion());
      out.put(r.getVersion(), r);
    }
    return out;
  }

  /** The newest record of {@code version}. */
  public Optional<ModelRelease> find(String version) {
    return Optional.ofNullable(newestByVersion().get(version));
  }

  /** Whether any record is PROMOTED (a release to fine-tune from may exist). */
  public boolean anyPromoted() {
    return records.stream().anyMatch(r -> r.getStatus() == ReleaseStatus.PROMOTED);
  }

  /**
   * Per label partition, the furthest offset any round has seen: labels before it have been
   * trained on (or judged) already, so they are not "new".
   */
  public Map<Integer, Long> labelOffsetsSeen() {
    Map<Integer, Long> out = new HashMap<>();
    for (ModelRelease r : records) {
      String s = r.getTrainingProvenance().get(LABEL_OFFSETS);
      if (s != null) {
        parseOffsets(s).forEach((p, o) -> out.merge(p, o, Math::max));
      }
    }
    return out;
  }

  /** The newest {@code createdAt} of any record, or empty with no records. */
  public Optional<java.time.Instant> lastDecision() {
    return records.stream().map(ModelRelease::getCreatedAt).max(java.time.Instant::compareTo);
  }

  /** {@code 0:12,1:40} for offsets {0→12, 1→40}. */
  static String formatOffsets(Map<Integer, Long> offsets) {
    StringBuilder s = new StringBuilder();
    offsets.entrySet().stream().sorted(Map.Entry.comparingByKey()).forEach(e -> {
      if (!s.isEmpty()) {
        s.append(',');
      }
      s.append(e.getKey()).append(':').append(e.getValue());
    });
    return s.toString();
  }

  static Map<Integer, Long> parseOffsets(String s) {
    Map<Integer, Long> out = new HashMap<>();
    for (String part : s.split(",")) {
      String[] kv = part.trim().split(":");
      if (kv.length == 2) {
        try {
          out.put(Integer.parseInt(kv[0].trim()), Long.parseLong(kv[1].trim()));
        } catch (NumberFormatException ignored) {
          // a foreign provenance value: not ours to interpret
        }
      }
    }
    return out;
  }

  private static boolean reached(KafkaConsumer<?, ?> c, Map<TopicPartition, Long> end) {
    for (Map.Entry<TopicPartition, Long> e : end.entrySet()) {
      if (c.position(e.getKey()) < e.getValue()) {
        return false;
      }
    }
    return true;
  }
}
