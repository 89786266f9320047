package io.neurostream.console;

import io.neurostream.avro.DeadLetter;
import io.neurostream.kafka.TopicFollower;
import io.neurostream.kafka.Topics;
import java.nio.ByteBuffer;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What is on {@link Topics#SCANS_DLQ}, read whole from its beginning: counts by stage and reason
 * over every dead letter, and a summary of the newest {@code kept} (the original bytes stay in
 * Kafka; {@link DeadLetterReplay} reads them when a record is opened or replayed). Replays done
 * through this console are remembered beside their dead letter until it restarts.
 */
final class DeadLetterIndex implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(DeadLetterIndex.class);

  /** One dead letter as the list shows it; {@code id} is {@code partition-offset} on the DLQ. */
  record Summary(String id, int partition, long offset, String key, String sourceTopic,
      int sourcePartition, long sourceOffset, String stage, String errorType, String errorMessage,
      long failedAt, int originalBytes, List<String> replays) {}

  /** Count of one stage and reason. */
  record Count(String stage, String errorType, long count) {}

  private final Deque<Summary> recent = new ArrayDeque<>();
  private final Map<String, Map<String, Long>> counts = new TreeMap<>();
  private final Map<String, List<String>> replays = new ConcurrentHashMap<>();
  private final RateWindow rate = new RateWindow(PredictionWindow.WINDOW_MS, 20_000);
  private final TopicFollower<String> follower;
  private final Deserializer<DeadLetter> deserializer;
  private final int kept;
  private final Runnable onChange;

  DeadLetterIndex(Map<String, Object> client, Map<String, ?> serde, int kept, Runnable onChange) {
    this.deserializer = Topics.SCANS_DLQ.valueSerde(serde).deserializer();
    this.kept = kept;
    this.onChange = onChange;
    Map<String, Object> props = new java.util.HashMap<>(client);
    // a dead letter wraps a whole scan: fetches must take twice the scan limit
    props.put("max.partition.fetch.bytes", 2 * Topics.MAX_SCAN_BYTES + (64 << 10));
    this.follower = new TopicFollower<>(Topics.SCANS_DLQ.name(), props, new StringDeserializer(),
        "console-dead-letters", new ViewFeed("dead-letter index", Topics.SCANS_DLQ.name(), LOG,
            this::read, onChange, () -> recent.size() + " listed"));
  }

  DeadLetterIndex start() {
    follower.start("console-dead-letters");
    return this;
  }

  boolean caughtUp() {
    return follower.caughtUp();
  }

  RateWindow rate() {
    return rate;
  }

  /** The newest dead letters first, with the replays done from this console. */
  synchronized List<Summary> recent() {
    List<Summary> out = new ArrayList<>(recent.size());
    recent.descendingIterator().forEachRemaining(s -> out.add(withReplays(s)));
    return out;
  }

  synchronized Optional<Summary> find(String id) {
    return recent.stream().filter(s -> s.id().equals(id)).findFirst().map(this::withReplays);
  }

  /** Counts by stage and reason over every dead letter read. */
  synchronized List<Count> counts() {
    List<Count> out = new ArrayList<>();
    counts.forEach((stage, byType) -> byType.forEach((type, n) -> out.add(new Count(stage, type, n))));
    return out;
  }

  void replayed(String id, String outcome) {
    replays.computeIfAbsent(id, k -> Collections.synchronizedList(new ArrayList<>())).add(outcome);
    onChange.run();
  }

  private Summary withReplays(Summary s) {
    List<String> done = replays.get(s.id());
    return done == null ? s : new Summary(s.id(), s.partition(), s.offset(), s.key(),
        s.sourceTopic(), s.sourcePartition(), s.sourceOffset(), s.stage(), s.errorType(),
        s.errorMessage(), s.failedAt(), s.originalBytes(), List.copyOf(done));
  }

  private synchronized void add(Summary s) {
    recent.addLast(s);
    while (recent.size() > kept) {
      recent.removeFirst();
    }
    counts.computeIfAbsent(s.stage(), k -> new TreeMap<>()).merge(s.errorType(), 1L, Long::sum);
  }

  private void read(ConsumerRecord<String, byte[]> r) {
    if (r.value() == null) {
      return;
    }
    String id = r.partition() + "-" + r.offset();
    try {
      DeadLetter d = deserializer.deserialize(r.topic(), r.headers(), r.value());
      ByteBuffer original = d.getOriginalValue();
      add(new Summary(id, r.partition(), r.offset(), r.key(), d.getSourceTopic(),
          d.getSourcePartition(), d.getSourceOffset(), d.getStage(), d.getErrorType(),
          d.getErrorMessage(), d.getFailedAt().toEpochMilli(),
          original == null ? 0 : original.remaining(), List.of()));
      rate.record(d.getFailedAt().toEpochMilli(), 0);
    } catch (RuntimeException e) {
      // a dead letter that is itself unreadable is still listed, so it is not lost from view
      add(new Summary(id, r.partition(), r.offset(), r.key(), "?", -1, -1, "UNREADABLE",
          "DEAD_LETTER_UNREADABLE", "this dead letter is not a readable DeadLetter: "
              + e.getMessage(), r.timestamp(), r.value().length, List.of()));
      rate.record(r.timestamp(), 0);
    }
  }

  Optional<RuntimeException> failure() {
    return follower.failure();
  }

  @Override
  public void close() {
    follower.close();
  }
}
