package io.neurostream.verdict;

import io.neurostream.avro.Explanation;
import io.neurostream.kafka.Topics;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndTimestamp;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.StringDeserializer;

/**
 * Finds the explanation of one slice for one verdict revision on {@code mri.explanations}
 * (committed records only), reading from a little before the verdict closed and waiting for it
 * to appear: the explainer computes it after the verdict, off the stream thread.
 */
final class ExplanationLookup implements AutoCloseable {

  /** How far before the verdict's close to start reading (clock skew between hosts). */
  static final Duration SKEW = Duration.ofMinutes(1);

  private final KafkaConsumer<String, byte[]> consumer;
  private final Deserializer<Explanation> explanations;

  ExplanationLookup(Map<String, Object> client, Map<String, ?> serdeConfig) {
    Map<String, Object> props = new HashMap<>(client);
    props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
    props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
    consumer = new KafkaConsumer<>(props, new StringDeserializer(), new ByteArrayDeserializer());
    explanations = Topics.EXPLANATIONS.valueSerde(serdeConfig).deserializer();
  }

  /**
   * The explanation of {@code sop} in {@code series} for {@code revision}, published at or after
   * {@code closedAtMillis} (less {@link #SKEW}), waiting at most {@code wait} for it.
   */
  Optional<Explanation> find(String series, String sop, int revision, long closedAtMillis,
      Duration wait) {
    List<TopicPartition> parts = consumer.partitionsFor(Topics.EXPLANATIONS.name()).stream()
        .map(p -> new TopicPartition(p.topic(), p.partition())).toList();
    consumer.assign(parts);
    Map<TopicPartition, Long> since = new HashMap<>();
    parts.forEach(tp -> since.put(tp, closedAtMillis - SKEW.toMillis()));
    Map<TopicPartition, OffsetAndTimestamp> at = consumer.offsetsForTimes(since);
    for (TopicPartition tp : parts) {
      OffsetAndTimestamp o = at.get(tp);
      if (o == null) {
        consumer.seekToEnd(List.of(tp));
      } else {
        consumer.seek(tp, o.offset());
      }
    }
    long deadline = System.nanoTime() + wait.toNanos();
    do {
      for (ConsumerRecord<String, byte[]> r : consumer.poll(Duration.ofMillis(200))) {
        if (sop.equals(r.key()) && r.value() != null) {
          Explanation e = explanations.deserialize(r.topic(), r.value());
          if (series.equals(e.getSeriesInstanceUid()) && e.getVerdictRevision() != null
              && e.getVerdictRevision() == revision) {
            return Optional.of(e);
          }
        }
      }
    } while (System.nanoTime() < deadline);
    return Optional.empty();
  }

  /** Ends a {@link #find} in progress (from another thread) with a WakeupException. */
  void wakeup() {
    consumer.wakeup();
  }

  @Override
  public void close() {
    consumer.close(Duration.ofSeconds(5));
  }
}
