package io.neurostream.demo;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads topics as a downstream system would, on a thread of its own: {@code read_committed}, no
 * consumer group, every partition from the beginning (the demo's broker is fresh, so everything on
 * them is this run's). Subclasses handle each record; {@link #check()} tells the demo when reading
 * failed, so it does not wait for records it can no longer see.
 */
abstract class TopicWatcher implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(TopicWatcher.class);

  private final String name;
  private final String what;
  private final KafkaConsumer<String, byte[]> consumer;
  private final Thread thread;
  private volatile boolean running = true;
  private boolean started;
  private volatile Throwable failure;

  /**
   * @param name the watcher's name, e.g. "outcome" (thread demo-outcome-watcher)
   * @param what what it reads, for the error, e.g. "predictions"
   * @param extra consumer properties beyond the client's
   */
  TopicWatcher(String name, String what, Map<String, Object> client, Map<String, Object> extra,
      List<String> topics) {
    this.name = name;
    this.what = what;
    Map<String, Object> props = new HashMap<>(client);
    props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
    props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
    props.put(ConsumerConfig.CLIENT_ID_CONFIG, "demo-" + name + "-watcher");
    props.putAll(extra);
    consumer = new KafkaConsumer<>(props, new StringDeserializer(), new ByteArrayDeserializer());
    List<TopicPartition> parts = new ArrayList<>();
    for (String topic : topics) {
      consumer.partitionsFor(topic, Duration.ofSeconds(30))
          .forEach(p -> parts.add(new TopicPartition(topic, p.partition())));
    }
    consumer.assign(parts);
    consumer.seekToBeginning(parts);
    thread = new Thread(this::run, "demo-" + name + "-watcher");
    thread.setDaemon(true);
  }

  /** Handles one record, on the watcher's thread. */
  protected abstract void handle(ConsumerRecord<String, byte[]> r);

  /** Starts reading. */
  final void startReading() {
    started = true;
    thread.start();
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
      LOG.error("the demo's {} watcher stopped: {}", name, e.toString(), e);
    } finally {
      consumer.close(Duration.ofSeconds(5));
    }
  }

  /** Throws if the watcher died. */
  void check() {
    if (failure != null) {
      throw new IllegalStateException("reading " + what + " failed: " + failure.getMessage()
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
