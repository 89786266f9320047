package io.neurostream.console;

import io.neurostream.avro.DeadLetter;
import io.neurostream.platform.KafkaStack;
import io.neurostream.kafka.Topics;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;

/** Writes dead letters as the classifier does, and reads what a replay put on the scans topic. */
final class DeadLetterSeed implements AutoCloseable {

  private final KafkaStack stack;
  private final KafkaProducer<String, DeadLetter> producer;

  DeadLetterSeed(KafkaStack stack) {
    this.stack = stack;
    Map<String, Object> props = new HashMap<>(stack.client());
    props.put("acks", "all");
    producer = new KafkaProducer<>(props, new StringSerializer(),
        Topics.SCANS_DLQ.valueSerde(stack.serdeConfig()).serializer());
  }

  /** A DESERIALIZE dead letter of a scan record {@code key} with value {@code original}. */
  void deadLetter(String key, byte[] original) throws Exception {
    DeadLetter d = DeadLetter.newBuilder()
        .setSourceTopic(Topics.SCANS.name())
        .setSourcePartition(0)
        .setSourceOffset(0)
        .setSourceKey(ByteBuffer.wrap(key.getBytes(StandardCharsets.UTF_8)))
        .setOriginalValue(ByteBuffer.wrap(original))
        .setStage("DESERIALIZE")
        .setErrorType("BAD_MAGIC_BYTE")
        .setErrorMessage("test dead letter")
        .setFailedAt(Instant.now())
        .build();
    producer.send(new ProducerRecord<>(Topics.SCANS_DLQ.name(), key, d)).get();
  }

  /** The scans topic's end offsets, summed. */
  long scansEndOffset() {
    try (KafkaConsumer<byte[], byte[]> c = consumer()) {
      return c.endOffsets(partitions(c)).values().stream().mapToLong(Long::longValue).sum();
    }
  }

  /** The value of the last record on the scans topic that carries the replay header. */
  byte[] lastReplayedValue() {
    try (KafkaConsumer<byte[], byte[]> c = consumer()) {
      List<TopicPartition> tps = partitions(c);
      c.assign(tps);
      c.seekToBeginning(tps);
      Map<TopicPartition, Long> end = c.endOffsets(tps);
      byte[] last = null;
      long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
      while (tps.stream().anyMatch(tp -> c.position(tp) < end.get(tp))
          && System.nanoTime() < deadline) {
        for (ConsumerRecord<byte[], byte[]> r : c.poll(Duration.ofMillis(200))) {
          if (r.headers().lastHeader(DeadLetterReplay.REPLAY_HEADER) != null) {
            last = r.value();
          }
        }
      }
      return last;
    }
  }

  private KafkaConsumer<byte[], byte[]> consumer() {
    return new KafkaConsumer<>(new HashMap<>(stack.client()), new ByteArrayDeserializer(),
        new ByteArrayDeserializer());
  }

  private static List<TopicPartition> partitions(KafkaConsumer<?, ?> c) {
    List<TopicPartition> tps = new ArrayList<>();
    c.partitionsFor(Topics.SCANS.name()).forEach(p -> tps.add(new TopicPartition(p.topic(),
        p.partition())));
    return tps;
  }

  @Override
  public void close() {
    producer.close();
  }
}
