package io.neurostream.console;

import io.neurostream.kafka.KafkaClients;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Follows the tail of a topic ({@code read_committed}, no consumer group): at start the last
 * {@code tail} records of all partitions together, then everything new, each handed to a handler
 * on a thread of its own. For topics the console shows the recent part of (verdicts,
 * explanations), where reading 30 days of history at start would be waste.
 *
 * @param <V> the value type
 */
final class TopicTail<V> implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(TopicTail.class);

  /** What to do with each record read (called on the tail's thread). */
  interface Handler<V> {
    void record(ConsumerRecord<String, byte[]> record, V value);
  }

  private final String topic;
  private final Map<String, Object> client;
  private final Deserializer<V> deserializer;
  private final int tail;
  private final Handler<V> handler;
  private final Runnable afterPoll;
  private final Thread thread;
  private volatile boolean running = true;
  private volatile KafkaConsumer<String, byte[]> consumer;
  private volatile RuntimeException failure;

  TopicTail(String topic, Map<String, Object> client, Deserializer<V> deserializer, int tail,
      Handler<V> handler, Runnable afterPoll) {
    this.topic = topic;
    this.client = client;
    this.deserializer = deserializer;
    this.tail = tail;
    this.handler = handler;
    this.afterPoll = afterPoll;
    this.thread = new Thread(this::run, "console-tail-" + topic);
    this.thread.setDaemon(true);
  }

  TopicTail<V> start() {
    thread.start();
    return this;
  }

  /** Why the tail stopped, or null while it runs. */
  RuntimeException failure() {
    return failure;
  }

  private void run() {
    Map<String, Object> props = KafkaClients.readCommitted(client, "console-" + topic);
    props.remove("group.id");
    try (KafkaConsumer<String, byte[]> c =
        new KafkaConsumer<>(props, new StringDeserializer(), new ByteArrayDeserializer())) {
      consumer = c;
      List<TopicPartition> partitions = partitions(c);
      if (partitions.isEmpty()) {
        return;
      }
      c.assign(partitions);
      Map<TopicPartition, Long> begin = c.beginningOffsets(partitions);
      Map<TopicPartition, Long> end = c.endOffsets(partitions);
      long perPartition = Math.max(1, tail / partitions.size());
      for (TopicPartition tp : partitions) {
        c.seek(tp, Math.max(begin.get(tp), end.get(tp) - perPartition));
      }
      while (running) {
        boolean any = false;
        for (ConsumerRecord<String, byte[]> r : c.poll(Duration.ofMillis(250))) {
          if (r.value() == null) {
            continue;
          }
          try {
            handler.record(r, deserializer.deserialize(r.topic(), r.headers(), r.value()));
            any = true;
          } catch (RuntimeException e) {
            LOG.debug("{}-{}@{} unreadable: {}", r.topic(), r.partition(), r.offset(),
                e.getMessage());
          }
        }
        if (any) {
          afterPoll.run();
        }
      }
    } catch (WakeupException e) {
      if (running) {
        failure = e;
      }
    } catch (RuntimeException e) {
      failure = e;
      LOG.error("the console stopped reading {}: {}; restart it", topic, e.toString(), e);
    }
  }

  private List<TopicPartition> partitions(KafkaConsumer<?, ?> c) {
    while (running) {
      List<PartitionInfo> infos = c.partitionsFor(topic, Duration.ofSeconds(30));
      if (infos != null && !infos.isEmpty()) {
        List<TopicPartition> tps = new ArrayList<>();
        infos.forEach(i -> tps.add(new TopicPartition(i.topic(), i.partition())));
        return tps;
      }
      LOG.warn("topic {} does not exist yet; create it (neurostream topics) — retrying", topic);
      try {
        Thread.sleep(2000);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return List.of();
      }
    }
    return List.of();
  }

  @Override
  public void close() {
    running = false;
    KafkaConsumer<?, ?> c = consumer;
    if (c != null) {
      c.wakeup();
    }
    try {
      thread.join(10_000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
