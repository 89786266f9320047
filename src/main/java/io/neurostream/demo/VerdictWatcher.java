package io.neurostream.demo;

import io.neurostream.avro.Explanation;
import io.neurostream.avro.SeriesVerdict;
import io.neurostream.kafka.Topics;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads the committed series verdicts as a downstream system would and keeps the highest revision
 * of each series, for the demo's series-level table, and the Grad-CAM overlays published for their
 * slices, for the report.
 */
final class VerdictWatcher implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(VerdictWatcher.class);

  private final KafkaConsumer<String, byte[]> consumer;
  private final Deserializer<SeriesVerdict> verdicts;
  private final Deserializer<Explanation> explanations;
  private final Map<String, byte[]> overlays = new HashMap<>();
  private final Map<String, SeriesVerdict> latest = new LinkedHashMap<>();
  private final Thread thread;
  private volatile boolean running = true;
  private volatile Throwable failure;
  private int records;

  VerdictWatcher(Map<String, Object> client, Map<String, ?> serdeConfig) {
    Map<String, Object> props = new HashMap<>(client);
    props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
    props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
    props.put(ConsumerConfig.CLIENT_ID_CONFIG, "demo-verdict-watcher");
    consumer = new KafkaConsumer<>(props, new StringDeserializer(), new ByteArrayDeserializer());
    verdicts = Topics.SERIES_VERDICTS.valueSerde(serdeConfig).deserializer();
    explanations = Topics.EXPLANATIONS.valueSerde(serdeConfig).deserializer();
    List<TopicPartition> parts = new ArrayList<>();
    for (String topic : List.of(Topics.SERIES_VERDICTS.name(), Topics.EXPLANATIONS.name())) {
      consumer.partitionsFor(topic, Duration.ofSeconds(30))
          .forEach(p -> parts.add(new TopicPartition(p.topic(), p.partition())));
    }
    consumer.assign(parts);
    consumer.seekToBeginning(parts);
    thread = new Thread(this::run, "demo-verdict-watcher");
    thread.setDaemon(true);
  }

  VerdictWatcher start() {
    thread.start();
    return this;
  }

  private void run() {
    try {
      while (running) {
        for (ConsumerRecord<String, byte[]> r : consumer.poll(Duration.ofMillis(200))) {
          if (r.topic().equals(Topics.EXPLANATIONS.name())) {
            Explanation e = explanations.deserialize(r.topic(), r.headers(), r.value());
            byte[] png = new byte[e.getOverlayPng().remaining()];
            e.getOverlayPng().duplicate().get(png);
            synchronized (latest) {
              overlays.put(e.getSopInstanceUid(), png);
            }
            continue;
          }
          SeriesVerdict v = verdicts.deserialize(r.topic(), r.headers(), r.value());
          synchronized (latest) {
            records++;
            latest.merge(r.key(), v, (a, b) -> b.getRevision() > a.getRevision() ? b : a);
          }
        }
      }
    } catch (WakeupException e) {
      // closing
    } catch (RuntimeException e) {
      failure = e;
      LOG.error("the demo's verdict watcher stopped: {}", e.toString(), e);
    } finally {
      consumer.close(Duration.ofSeconds(5));
    }
  }

  /** The highest revision of every series seen so far. */
  List<SeriesVerdict> latest() {
    synchronized (latest) {
      return List.copyOf(latest.values());
    }
  }

  /** The Grad-CAM overlay PNGs seen so far, by SOP Instance UID. */
  Map<String, byte[]> overlays() {
    synchronized (latest) {
      return Map.copyOf(overlays);
    }
  }

  /** Verdict records seen (revisions included). */
  int records() {
    synchronized (latest) {
      return records;
    }
  }

  /** Throws if the watcher died. */
  void check() {
    if (failure != null) {
      throw new IllegalStateException("reading series verdicts failed: " + failure.getMessage()
          + "; see demo.log", failure);
    }
  }

  @Override
  public void close() {
    running = false;
    consumer.wakeup();
    try {
      thread.join(10_000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
