package io.neurostream.demo;

import io.neurostream.avro.DeadLetter;
import io.neurostream.avro.ModelRelease;
import io.neurostream.avro.Prediction;
import io.neurostream.kafka.Topics;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
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
 * Reads what comes back, as a downstream system would: committed predictions and dead letters
 * ({@code read_committed}, so only what the classifier's transactions committed) into the {@link
 * ScanLedger}, and the trainer's decisions on {@code mri.model-releases}. Reads every partition from
 * the beginning; the demo's broker is fresh, so everything on these topics is this run's.
 */
final class OutcomeWatcher implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(OutcomeWatcher.class);

  private final KafkaConsumer<String, byte[]> consumer;
  private final Deserializer<Prediction> predictions;
  private final Deserializer<DeadLetter> deadLetters;
  private final Deserializer<ModelRelease> releases;
  private final ScanLedger ledger;
  private final Consumer<ReleaseEvent> onRelease;
  private final List<ReleaseEvent> seen = new ArrayList<>();
  private final Thread thread;
  private volatile boolean running = true;
  private boolean started;
  private volatile Throwable failure;

  /**
   * @param onRelease called on the watcher's thread for every release record, in order
   */
  OutcomeWatcher(Map<String, Object> client, Map<String, ?> serdeConfig, ScanLedger ledger,
      Consumer<ReleaseEvent> onRelease) {
    Map<String, Object> props = new HashMap<>(client);
    props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
    props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
    props.put(ConsumerConfig.CLIENT_ID_CONFIG, "demo-outcome-watcher");
    props.put(ConsumerConfig.MAX_PARTITION_FETCH_BYTES_CONFIG, 2 * Topics.MAX_SCAN_BYTES + (1 << 20));
    this.consumer = new KafkaConsumer<>(props, new StringDeserializer(), new ByteArrayDeserializer());
    this.predictions = Topics.PREDICTIONS.valueSerde(serdeConfig).deserializer();
    this.deadLetters = Topics.SCANS_DLQ.valueSerde(serdeConfig).deserializer();
    this.releases = Topics.MODEL_RELEASES.valueSerde(serdeConfig).deserializer();
    this.ledger = ledger;
    this.onRelease = onRelease;
    List<TopicPartition> parts = new ArrayList<>();
    for (String topic : List.of(Topics.PREDICTIONS.name(), Topics.SCANS_DLQ.name(), Topics.MODEL_RELEASES.name())) {
      consumer.partitionsFor(topic, Duration.ofSeconds(30))
          .forEach(p -> parts.add(new TopicPartition(topic, p.partition())));
    }
    consumer.assign(parts);
    consumer.seekToBeginning(parts);
    this.thread = new Thread(this::run, "demo-outcome-watcher");
    this.thread.setDaemon(true);
  }

  OutcomeWatcher start() {
    started = true;
    thread.start();
    return this;
  }

  private void run() {
    try {
      while (running) {
        for (ConsumerRecord<String, byte[]> r : consumer.poll(Duration.ofMillis(200))) {
          handle(r);
        }
      }
    } catch (WakeupException e) {
      // closing
    } catch (RuntimeException e) {
      failure = e;
      LOG.error("the demo's outcome watcher stopped: {}", e.toString(), e);
    } finally {
      consumer.close(Duration.ofSeconds(5));
    }
  }

  private void handle(ConsumerRecord<String, byte[]> r) {
    String topic = r.topic();
    if (topic.equals(Topics.PREDICTIONS.name())) {
      ledger.outcome(ScanOutcome.Predicted.of(r.key(), predictions.deserialize(topic, r.headers(), r.value())));
    } else if (topic.equals(Topics.SCANS_DLQ.name())) {
      ledger.outcome(ScanOutcome.DeadLettered.of(r.key(), deadLetters.deserialize(topic, r.headers(), r.value())));
    } else if (r.value() != null) {
      ReleaseEvent event = ReleaseEvent.of(releases.deserialize(topic, r.headers(), r.value()));
      synchronized (seen) {
        seen.add(event);
      }
      onRelease.accept(event);
    }
  }

  /** Every release record seen so far, in order. */
  List<ReleaseEvent> releases() {
    synchronized (seen) {
      return List.copyOf(seen);
    }
  }

  /** Throws if the watcher died, so the demo does not wait for outcomes it can no longer see. */
  void check() {
    if (failure != null) {
      throw new IllegalStateException("reading predictions failed: " + failure.getMessage()
          + "; see demo.log", failure);
    }
  }

  @Override
  public void close() {
    running = false;
    if (!started) {
      consumer.close(Duration.ofSeconds(5));
      return;
    }
    consumer.wakeup();
    try {
      thread.join(10_000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
