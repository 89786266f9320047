package io.neurostream.classifier;

import static org.awaitility.Awaitility.await;

import io.neurostream.avro.DeadLetter;
import io.neurostream.avro.Prediction;
import io.neurostream.avro.ScanEvent;
import io.neurostream.imaging.GrayImage;
import io.neurostream.kafka.Topics;
import io.neurostream.platform.KafkaStack;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ListOffsetsResult;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;

/** Sends scans to the scans topic and reads what the classifier made of them, for tests. */
public final class ScanTraffic implements AutoCloseable {

  private final KafkaStack stack;
  private final KafkaProducer<String, byte[]> producer;
  private final Serializer<ScanEvent> scans;
  private final Random random = new Random(42);

  public ScanTraffic(KafkaStack stack) {
    this.stack = stack;
    Map<String, Object> props = new HashMap<>(stack.client());
    props.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
    props.put(ProducerConfig.ACKS_CONFIG, "all");
    props.put(ProducerConfig.LINGER_MS_CONFIG, 5);
    props.put(ProducerConfig.MAX_REQUEST_SIZE_CONFIG, 16 * 1024 * 1024);
    producer = new KafkaProducer<>(props, new StringSerializer(), new ByteArraySerializer());
    scans = Topics.SCANS.valueSerde(stack.serdeConfig()).serializer();
  }

  /** A random 48×48 PNG slice with id {@code sopUid}. */
  public ScanEvent scan(String sopUid) {
    int size = 48;
    float[] px = new float[size * size];
    double r = size * (0.2 + 0.25 * random.nextDouble());
    for (int y = 0; y < size; y++) {
      for (int x = 0; x < size; x++) {
        double d = Math.hypot(x - size / 2.0, y - size / 2.0);
        px[y * size + x] = (float) Math.max(0, Math.min(1,
            (d < r ? 0.7 : 0.1) + 0.05 * random.nextGaussian()));
      }
    }
    return ClassifierScans.scan(sopUid, io.neurostream.avro.ImageEncoding.PNG, size, size,
        new GrayImage(size, size, px).toPng());
  }

  public byte[] serialize(ScanEvent scan) {
    return scans.serialize(Topics.SCANS.name(), scan);
  }

  public void send(String key, byte[] value) {
    producer.send(new ProducerRecord<>(Topics.SCANS.name(), key, value));
  }

  public void send(ScanEvent scan) {
    send(scan.getIdentity().getSopInstanceUid(), serialize(scan));
  }

  public void flush() {
    producer.flush();
  }

  /**
   * Waits until application {@code applicationId} has committed offsets at the end of every scans
   * partition: then everything it will ever write for the scans sent so far is committed.
   */
  public void awaitConsumed(String applicationId, Duration timeout) throws Exception {
    try (Admin admin = Admin.create(stack.client())) {
      Map<TopicPartition, OffsetSpec> latest = new HashMap<>();
      for (int p = 0; p < Topics.SCANS.partitions(); p++) {
        latest.put(new TopicPartition(Topics.SCANS.name(), p), OffsetSpec.latest());
      }
      Map<TopicPartition, ListOffsetsResult.ListOffsetsResultInfo> ends =
          admin.listOffsets(latest).all().get(30, TimeUnit.SECONDS);
      await("application " + applicationId + " consumed every scan up to " + ends)
          .atMost(timeout).pollInterval(Duration.ofMillis(500))
          .untilAsserted(() -> {
            Map<TopicPartition, OffsetAndMetadata> committed = admin
                .listConsumerGroupOffsets(applicationId).partitionsToOffsetAndMetadata()
                .get(30, TimeUnit.SECONDS);
            for (var end : ends.entrySet()) {
              OffsetAndMetadata c = committed.get(end.getKey());
              long at = c == null ? 0 : c.offset();
              if (end.getValue().offset() > 0 && at < end.getValue().offset()) {
                throw new AssertionError(end.getKey() + " committed " + at + " of " + end.getValue().offset());
              }
            }
          });
    }
  }

  /** Every committed prediction whose key matches, in partition order. */
  public List<ConsumerRecord<String, Prediction>> predictions(Predicate<String> key) {
    return readCommitted(Topics.PREDICTIONS.name(),
        Topics.PREDICTIONS.valueSerde(stack.serdeConfig()).deserializer(), key);
  }

  /** Every committed dead letter whose key matches. */
  public List<ConsumerRecord<String, DeadLetter>> deadLetters(Predicate<String> key) {
    return readCommitted(Topics.SCANS_DLQ.name(),
        Topics.SCANS_DLQ.valueSerde(stack.serdeConfig()).deserializer(), key);
  }

  private <V> List<ConsumerRecord<String, V>> readCommitted(String topic, Deserializer<V> values,
      Predicate<String> key) {
    Map<String, Object> props = new HashMap<>(stack.client());
    props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
    props.put(ConsumerConfig.MAX_PARTITION_FETCH_BYTES_CONFIG, 32 * 1024 * 1024);
    List<ConsumerRecord<String, V>> out = new ArrayList<>();
    try (KafkaConsumer<String, byte[]> consumer =
        new KafkaConsumer<>(props, new StringDeserializer(), new ByteArrayDeserializer())) {
      List<TopicPartition> parts = consumer.partitionsFor(topic).stream()
          .map(p -> new TopicPartition(topic, p.partition())).toList();
      consumer.assign(parts);
      consumer.seekToBeginning(parts);
      Map<TopicPartition, Long> end = consumer.endOffsets(parts); // the LSO under read_committed
      while (parts.stream().anyMatch(tp -> consumer.position(tp) < end.get(tp))) {
        for (ConsumerRecord<String, byte[]> r : consumer.poll(Duration.ofMillis(500))) {
          if (r.key() != null && key.test(r.key())) {
            out.add(new ConsumerRecord<>(r.topic(), r.partition(), r.offset(), r.key(),
                values.deserialize(r.topic(), r.value())));
          }
        }
      }
    }
    return out;
  }

  @Override
  public void close() {
    producer.close();
  }
}
