package io.neurostream.trainer;

import io.neurostream.avro.LabeledScan;
import io.neurostream.serde.SchemaRegistryException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
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

  private final String topic;
  private final Map<String, Object> clientConfig;
  private final Deserializer<LabeledScan> deserializer;
  private final LabeledSet labels;
  private final CountDownLatch caughtUp = new CountDownLatch(1);
  private final AtomicLong skipped = new AtomicLong();
  private volatile boolean running = true;
  private volatile KafkaConsumer<String, byte[]> consumer;
  private volatile Throwable failure;
  private Thread thread;

  public LabelFollower(
      String topic, Map<String, Object> clientConfig, Deserializer<LabeledScan> deserializer,
      LabeledSet labels) {
    this.topic = topic;
    this.clientConfig = Map.copyOf(clientConfig);
    this.deserializer = deserializer;
    this.labels = labels;
  }

  /** Starts reading on a daemon thread named {@code label-follower}. */
  public LabelFollower start() {
    thread = new Thread(this::run, "label-follower");
    thread.setDaemon(true);
    thread.start();
    return this;
  }

  /** Waits until the topic has been read up to the end it had when reading started. */
  public boolean awaitCaughtUp(Duration timeout) throws InterruptedException {
    return caughtUp.await(timeout.toMillis(), TimeUnit.MILLISECONDS) && failure == null;
  }

  /** Whether the topic has been read to its start-time end once. */
  public boolean caughtUp() {
    return caughtUp.getCount() == 0 && failure == null;
  }

  /** Whether the reading thread is alive (it stops only on close or a fatal error). */
  public boolean alive() {
    return thread != null && thread.isAlive() && failure == null;
  }

  /** Records skipped because they were not readable labels. */
  public long skipped() {
    return skipped.get();
  }

  private void run() {
    Map<String, Object> props = new HashMap<>(clientConfig);
    props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
    props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
    props.put(ConsumerConfig.CLIENT_ID_CONFIG, "trainer-labels-" + UUID.randomUUID());
    props.put(ConsumerConfig.MAX_PARTITION_FETCH_BYTES_CONFIG, 16 * 1024 * 1024);
    props.remove(ConsumerConfig.GROUP_ID_CONFIG);
    try (KafkaConsumer<String, byte[]> c =
        new KafkaConsumer<>(props, new StringDeserializer(), new ByteArrayDeserializer())) {
      consumer = c;
      List<TopicPartition> partitions = partitions(c);
      c.assign(partitions);
      c.seekToBeginning(partitions);
      Map<TopicPartition, Long> end = c.endOffsets(partitions);
      boolean reported = false;
      while (running) {
        ConsumerRecords<String, byte[]> records = c.poll(Duration.ofMillis(500));
        for (TopicPartition tp : records.partitions()) {
          for (ConsumerRecord<String, byte[]> r : records.records(tp)) {
            if (!apply(c, r)) {
              break; // registry unreachable: this partition was rewound to r
            }
          }
        }
        if (!reported && reached(c, end)) {
          reported = true;
          for (TopicPartition tp : partitions) {
            labels.advance(tp.partition(), c.position(tp));
          }
          LOG.info("labels read: {} labeled scans from {} records on {} ({} skipped)",
              labels.size(), labels.recordsRead(), topic, skipped.get());
          caughtUp.countDown();
        }
      }
    } catch (WakeupException e) {
      if (running) {
        failure = e;
        LOG.error("label follower woken up unexpectedly", e);
      }
    } catch (RuntimeException e) {
      failure = e;
      LOG.error("label follower stopped: {}; no new labels are read until the trainer restarts",
          e.toString(), e);
    } finally {
      caughtUp.countDown();
    }
  }

  /** Applies one record; false if it must be retried later (the partition is rewound to it). */
  private boolean apply(KafkaConsumer<String, byte[]> c, ConsumerRecord<String, byte[]> r) {
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
      if (e.getCause() instanceof SchemaRegistryException reg && !reg.isNotFound()) {
        LOG.warn("schema registry unavailable ({}); retrying label {}-{}@{} in 2 s",
            reg.getMessage(), r.topic(), r.partition(), r.offset());
        c.seek(new TopicPartition(r.topic(), r.partition()), r.offset());
        sleep(Duration.ofSeconds(2));
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
    return true;
  }

  private boolean skip(ConsumerRecord<String, byte[]> r, String why) {
    skipped.incrementAndGet();
    labels.advance(r.partition(), r.offset() + 1);
    LOG.warn("label record {}-{}@{} is not a readable LabeledScan and is skipped: {}",
        r.topic(), r.partition(), r.offset(), why);
    return true;
  }

  private List<TopicPartition> partitions(KafkaConsumer<?, ?> c) {
    while (running) {
      List<PartitionInfo> infos = c.partitionsFor(topic, Duration.ofSeconds(30));
      if (infos != null && !infos.isEmpty()) {
        List<TopicPartition> tps = new ArrayList<>();
        infos.forEach(i -> tps.add(new TopicPartition(topic, i.partition())));
        return tps;
      }
      LOG.warn("topic {} does not exist yet; create it (neurostream topics) — retrying", topic);
      sleep(Duration.ofSeconds(2));
    }
    return List.of();
  }

  private static boolean reached(KafkaConsumer<?, ?> c, Map<TopicPartition, Long> end) {
    for (Map.Entry<TopicPartition, Long> e : end.entrySet()) {
      if (c.position(e.getKey()) < e.getValue()) {
        return false;
      }
    }
    return true;
  }

  private static void sleep(Duration d) {
    try {
      Thread.sleep(d.toMillis());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  @Override
  public void close() {
    running = false;
    KafkaConsumer<?, ?> c = consumer;
    if (c != null) {
      c.wakeup();
    }
    if (thread != null) {
      try {
        thread.join(10_000);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }
}
