package io.neurostream.verdict;

import io.neurostream.avro.ScanEvent;
import io.neurostream.imaging.GrayImage;
import io.neurostream.imaging.ImageDecoder;
import io.neurostream.kafka.Topics;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.Deserializer;

/**
 * Reads one scan back from {@code mri.scans} by the partition and offset its prediction carries:
 * the images are not copied anywhere for explanations. Empty when the scan is gone (retention) or
 * was never readable.
 */
final class ScanLookup implements AutoCloseable {

  private final KafkaConsumer<byte[], byte[]> consumer;
  private final Deserializer<ScanEvent> scans;

  ScanLookup(Map<String, Object> client, Map<String, ?> serdeConfig) {
    Map<String, Object> props = new HashMap<>(client);
    props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
    props.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 1);
    props.put(ConsumerConfig.MAX_PARTITION_FETCH_BYTES_CONFIG, Topics.MAX_SCAN_BYTES + (1 << 20));
    consumer = new KafkaConsumer<>(props, new ByteArrayDeserializer(), new ByteArrayDeserializer());
    scans = Topics.SCANS.valueSerde(serdeConfig).deserializer();
  }

  /** The decoded image of the scan at {@code partition}/{@code offset}. */
  Optional<GrayImage> image(int partition, long offset) {
    TopicPartition tp = new TopicPartition(Topics.SCANS.name(), partition);
    consumer.assign(List.of(tp));
    consumer.seek(tp, offset);
    long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
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
    return Optional.empty();
  }

  @Override
  public void close() {
    consumer.close();
  }
}
