package io.neurostream.bench;

import io.neurostream.avro.Prediction;
import io.neurostream.classifier.ClassifierService;
import io.neurostream.kafka.Topics;
import io.neurostream.ops.Waiting;
import io.neurostream.platform.EmbeddedKafka;
import java.time.Duration;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.KafkaStreams;

/** What the streaming benchmarks share around their embedded broker: the scan producer, the start, the reader. */
final class BenchKafka {
  private static final Duration START_TIMEOUT = Duration.ofMinutes(5);

  private BenchKafka() {}

  /** A producer of raw scan records (acks=all, linger 1 ms). */
  static KafkaProducer<String, byte[]> producer(EmbeddedKafka kafka) {
    Map<String, Object> props = new HashMap<>();
    props.put("bootstrap.servers", kafka.bootstrapServers());
    props.put(ProducerConfig.ACKS_CONFIG, "all");
    props.put(ProducerConfig.LINGER_MS_CONFIG, 1);
    return new KafkaProducer<>(props, new StringSerializer(), new ByteArraySerializer());
  }

  /** Waits until the classifier's Kafka Streams runs. */
  static void awaitRunning(ClassifierService classifier) throws InterruptedException {
    if (!Waiting.until(() -> classifier.state().orElse(null) == KafkaStreams.State.RUNNING, START_TIMEOUT,
        Duration.ofMillis(20))) {
      throw new IllegalStateException("the classifier did not reach RUNNING within "
          + START_TIMEOUT.toMinutes() + " min (Kafka Streams " + classifier.state().orElse(null) + ")");
    }
  }

  /** Reads committed predictions from the beginning of the topic as they arrive. */
  static final class PredictionReader implements AutoCloseable {
    private final KafkaConsumer<String, Prediction> consumer;
    private final Set<String> seen = new HashSet<>();

    PredictionReader(EmbeddedKafka kafka, Map<String, Object> serde) {
      Map<String, Object> props = new HashMap<>();
      props.put("bootstrap.servers", kafka.bootstrapServers());
      props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
      consumer = new KafkaConsumer<>(props, new StringDeserializer(),
          Topics.PREDICTIONS.valueSerde(serde).deserializer());
      List<TopicPartition> parts = consumer.partitionsFor(Topics.PREDICTIONS.name()).stream()
          .map(p -> new TopicPartition(p.topic(), p.partition())).toList();
      consumer.assign(parts);
      consumer.seekToBeginning(parts);
    }

    /** Reads until {@code count} distinct predictions with keys starting {@code prefix}. */
    void await(String prefix, int count, Consumer<Prediction> each) {
      int found = (int) seen.stream().filter(k -> k.startsWith(prefix)).count();
      while (found < count) {
        for (ConsumerRecord<String, Prediction> r : consumer.poll(Duration.ofMillis(100))) {
          if (r.key().startsWith(prefix) && seen.add(r.key())) {
            each.accept(r.value());
            found++;
          }
        }
      }
    }

    /** Reads until {@code count} distinct predictions with keys starting {@code prefix}. */
    void await(String prefix, int count) {
      await(prefix, count, p -> { });
    }

    @Override
    public void close() {
      consumer.close();
    }
  }
}
