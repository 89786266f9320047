package io.neurostream.imaging;

import io.neurostream.avro.ScanEvent;
import io.neurostream.kafka.Topics;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.Deserializer;

/**
 * Reads one scan back from {@code mri.scans} by the partition and offset its prediction carries
 * ({@code scanPartition}/{@code scanOffset}) and decodes it with {@link ImageDecoder}: the images
 * are not copied anywhere for explanations or thumbnails. Empty when the scan is gone (retention)
 * or the position was never on the topic. One consumer, so calls are serialized.
 */
public final class ScanReader implements AutoCloseable {

  private static final Duration TIMEOUT = Duration.ofSeconds(10);

  private final KafkaConsumer<byte[], byte[]> consumer;
  private final Deserializer<ScanEvent> scans;

  public ScanReader(Map<String, Object> client, Map<String, ?> serdeConfig) {
    Map<String, Object> props = new HashMap<>(client);
    props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
    props.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 1);
    props.put(ConsumerConfig.MAX_PARTITION_FETCH_BYTES_CONFIG, Topics.MAX_SCAN_BYTES + (1 << 20));
    props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
    props.remove(ConsumerConfig.GROUP_ID_CONFIG);
    consumer = new KafkaConsumer<>(props, new ByteArrayDeserializer(), new ByteArrayDeserializer());
    scans = Topics.SCANS.valueSerde(serdeConfig).deserializer();
  }

  /**
   * The decoded image of the scan at {@code partition}/{@code offset}.
   *
   * @throws ImageDecodeException if the scan's bytes do not decode
   * @throws IllegalStateException if the topic does not answer within 10 s
   */
  public synchronized Optional<GrayImage> image(int partition, long offset) {
    if (partition < 0 || offset < 0 || partition >= partitions()) {
      return Optional.empty();
    }
    TopicPartition tp = new TopicPartition(Topics.SCANS.name(), partition);
    if (offset >= consumer.endOffsets(List.of(tp), TIMEOUT).getOrDefault(tp, 0L)) {
      return Optional.empty(); // never written (yet)
    }
    consumer.assign(List.of(tp));
    consumer.seek(tp, offset);
    long deadline = System.nanoTime() + TIMEOUT.toNanos();
    while (System.nanoTime() < deadline) {
      for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(200))) {
        if (r.offset() != offset) {
          return Optional.empty(); // the scan is gone: retention or compaction passed it
        }
        ScanEvent scan = scans.deserialize(r.topic(), r.value());
        byte[] bytes = new byte[scan.getImage().remaining()];
        scan.getImage().duplicate().get(bytes);
        return Optional.of(ImageDecoder.decode(bytes, scan.getEncoding(), scan.getWidth(),
            scan.getHeight()));
      }
    }
    throw new IllegalStateException(Topics.SCANS.name() + " partition " + partition
        + " did not return offset " + offset + " within " + TIMEOUT.toSeconds() + " s; check the "
        + "brokers (bootstrap.servers) and this client's access to the topic");
  }

  private int partitions() {
    List<PartitionInfo> info = consumer.partitionsFor(Topics.SCANS.name(), TIMEOUT);
    return info == null ? 0 : info.size();
  }

  @Override
  public void close() {
    consumer.close();
  }
}
