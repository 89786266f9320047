package io.neurostream.demo;

import io.neurostream.avro.ImageEncoding;
import io.neurostream.avro.ScanEvent;
import io.neurostream.kafka.Topics;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * Two broken records a kept-running demo sends after its report, so the console's dead-letter page
 * has something to inspect and replay: bytes that are not a schema-registry record (a producer
 * without the Avro serializer), and a well-formed scan whose DICOM file is cut short (a transfer
 * that broke). They go out after the summary, so its accounting is not affected.
 */
final class BrokenScans {

  static final String NOT_AVRO = "demo-broken-not-avro";
  static final String TRUNCATED = "demo-broken-truncated-dicom";

  private BrokenScans() {}

  /** Sends both; {@code template} is a stream scan whose identity the truncated one borrows. */
  static List<String> send(Map<String, Object> client, Map<String, ?> serdeConfig,
      StreamScan template) throws Exception {
    Map<String, Object> props = new HashMap<>(client);
    props.put(ProducerConfig.ACKS_CONFIG, "all");
    props.put(ProducerConfig.CLIENT_ID_CONFIG, "demo-broken-scans");
    ScanEvent truncated = Pacs.event(template, ImageEncoding.DICOM);
    truncated.getIdentity().setSopInstanceUid(TRUNCATED);
    ByteBuffer image = truncated.getImage();
    byte[] cut = new byte[Math.min(300, image.remaining())];
    image.duplicate().get(cut);
    truncated.setImage(ByteBuffer.wrap(cut));
    byte[] truncatedBytes = Topics.SCANS.valueSerde(serdeConfig).serializer()
        .serialize(Topics.SCANS.name(), truncated);
    try (KafkaProducer<String, byte[]> producer =
        new KafkaProducer<>(props, new StringSerializer(), new ByteArraySerializer())) {
      producer.send(new ProducerRecord<>(Topics.SCANS.name(), NOT_AVRO,
          "a scanner export without the Avro serializer".getBytes(StandardCharsets.UTF_8)))
          .get(30, TimeUnit.SECONDS);
      producer.send(new ProducerRecord<>(Topics.SCANS.name(), TRUNCATED, truncatedBytes))
          .get(30, TimeUnit.SECONDS);
    }
    return List.of(NOT_AVRO, TRUNCATED);
  }
}
