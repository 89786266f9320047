package io.neurostream.trainer;

import io.neurostream.avro.LabeledScan;
import io.neurostream.config.Plural;
import io.neurostream.kafka.TopicFollower;
import io.neurostream.ops.Faults;
import io.neurostream.ops.Watchdog;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads the labels topic from its beginning into a {@link LabeledSet} and keeps following it. No
 * consumer group and no committed offsets: the topic is the source of truth and is read whole at
 * every start ({@code read_committed}). A record that is not a readable LabeledScan is logged,
 * counted and skipped, so it never blocks its partition; while the schema registry is unreachable
 * the record is retried instead, so no label is lost to an outage.
 */
public final class LabelFollower implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(LabelFollower.class);
  /** Labeled scans carry whole images; a partition's fetch must hold the largest one. */
  private static final int MAX_PARTITION_FETCH_BYTES = 16 * 1024 * 1024;
  private static final Duration REGISTRY_RETRY = Duration.ofSeconds(2);

  private final String topic;
  private final TopicFollower<String> follower;
  private final Deserializer<LabeledScan> deserializer;
  private final LabeledSet labels;
  private final AtomicLong skipped = new AtomicLong();
  private final Watchdog.Part reading;

  public LabelFollower(
      String topic, Map<String, Object> clientConfig, Deserializer<LabeledScan> deserializer,
      LabeledSet labels, Watchdog watchdog) {
    Map<String, Object> props = new HashMap<>(clientConfig);
    props.put(ConsumerConfig.MAX_PARTITION_FETCH_BYTES_CONFIG, MAX_PARTITION_FETCH_BYTES);
    this.topic = topic;
    this.follower = new TopicFollower<>(topic, props, new StringDeserializer(), "trainer-labels",
        new Labels()).watchedBy(watchdog.part("labels-consumer"));
    this.reading = watchdog.part("label-follower");
    this.deserializer = deserializer;
    this.labels = labels;
  }

  /** Starts reading on a daemon thread named {@code label-follower}. */
  public LabelFollower start() {
    follower.start("label-follower");
    return this;
  }

  /** Waits until the topic has been read up to the end it had when reading started. */
  public boolean awaitCaughtUp(Duration timeout) throws InterruptedException {
    return follower.awaitCaughtUp(timeout) && follower.failure().isEmpty();
  }

  /** Whether the topic has been read to its start-time end once. */
  public boolean caughtUp() {
    return follower.caughtUp() && follower.failure().isEmpty();
  }

  /** Whether the reading thread is alive (it stops only on close or a fatal error). */
  public boolean alive() {
    return follower.alive() && follower.failure().isEmpty();
  }

  /** Records skipped because they were not readable labels. */
  public long skipped() {
    return skipped.get();
  }

  /** Applies one record; false if it must be retried later (the partition is rewound to it). */
  private boolean apply(Consumer<String, byte[]> c, ConsumerRecord<String, byte[]> r) {
    String scanId = r.key();
    if (r.value() == null) {
      if (scanId != null) {
        labels.apply(scanId, null, r.partition(), r.offset());
      }
      return true;
    }
    LabeledScan label;
    try {
      label = deserializer.deserialize(r.topic(), r.headers(), r.value());
    } catch (SerializationException e) {
      if (Faults.isTransient(e)) {
        LOG.warn("label {}-{}@{} cannot be read yet ({}); retrying in 2 s",
            r.topic(), r.partition(), r.offset(), e.getMessage());
        reading.blocked("label " + r.topic() + "-" + r.partition() + "@" + r.offset()
            + " cannot be read: " + e.getMessage());
        c.seek(new TopicPartition(r.topic(), r.partition()), r.offset());
        follower.backOff(REGISTRY_RETRY);
        return false;
      }
      return skip(r, e.getMessage());
    }
    if (label == null || label.getScan() == null || label.getScan().getIdentity() == null) {
      return skip(r, "no scan in the label");
    }
    if (scanId == null || scanId.isBlank()) {
      scanId = label.getScan().getIdentity().getSopInstanceUid();
    }
    labels.apply(scanId, label, r.partition(), r.offset());
    reading.progressed();
    return true;
  }

  private boolean skip(ConsumerRecord<String, byte[]> r, String why) {
    skipped.incrementAndGet();
    labels.advance(r.partition(), r.offset() + 1);
    LOG.warn("label record {}-{}@{} is not a readable LabeledScan and is skipped: {}",
        r.topic(), r.partition(), r.offset(), why);
    return true;
  }

  /** Applies what the follower reads to the labeled set; private so callers see no callbacks. */
  private final class Labels implements TopicFollower.Handler<String> {

    @Override
    public void onRecords(Consumer<String, byte[]> c, ConsumerRecords<String, byte[]> records,
        boolean caughtUp) {
      for (TopicPartition tp : records.partitions()) {
        for (ConsumerRecord<String, byte[]> r : records.records(tp)) {
          if (!apply(c, r)) {
            break; // registry unreachable: this partition was rewound to r
          }
        }
      }
    }

    @Override
    public void onCaughtUp(Consumer<String, byte[]> c, List<TopicPartition> partitions) {
      for (TopicPartition tp : partitions) {
        labels.advance(tp.partition(), c.position(tp));
      }
      LOG.info("labels read: {} from {} on {} ({} skipped)", Plural.of(labels.size(), "labeled scan"),
          Plural.of(labels.recordsRead(), "record"), topic, skipped.get());
    }

    @Override
    public void onFailure(RuntimeException e) {
      LOG.error("label follower stopped: {}; no new labels are read until the trainer restarts",
          e.toString(), e);
    }
  }

  @Override
  public void close() {
    follower.close();
  }
}
