package io.neurostream.demo;

import io.neurostream.avro.ImageEncoding;
import io.neurostream.avro.ScanEvent;
import io.neurostream.avro.ScanIdentity;
import io.neurostream.imaging.DicomWriter;
import io.neurostream.imaging.GrayImage;
import io.neurostream.imaging.ImageDecoder;
import io.neurostream.kafka.Topics;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.function.BooleanSupplier;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;

/**
 * Sends the stream set to {@code mri.scans} as a PACS integration would: one {@link ScanEvent} per
 * slice, through the real Avro serde and schema registry, at a steady rate, each slice with its
 * DICOM UIDs and the pseudonymous patient key. A seeded share of the scans is handed to the {@link
 * Radiologist} for labelling. Every scan is booked in the {@link ScanLedger} before it is sent.
 */
final class Pacs implements AutoCloseable {

  /** The ScanEvent source, like a PACS AE title. */
  static final String SOURCE = "DEMO_PACS";

  private final KafkaProducer<String, ScanEvent> producer;
  private final ScanLedger ledger;
  private final Radiologist radiologist;
  private final ImageEncoding encoding;
  private final double labelFraction;
  private final Random labelDraw;

  /**
   * @param client Kafka client properties
   * @param serdeConfig schema registry configuration
   * @param encoding PNG or DICOM
   * @param labelFraction share of scans the radiologist labels
   * @param seed seeds which scans are labelled
   */
  Pacs(Map<String, Object> client, Map<String, ?> serdeConfig, ScanLedger ledger, Radiologist radiologist,
      ImageEncoding encoding, double labelFraction, long seed) {
    if (encoding != ImageEncoding.PNG && encoding != ImageEncoding.DICOM) {
      throw new IllegalArgumentException("the demo PACS sends PNG or DICOM, not " + encoding);
    }
    Map<String, Object> props = new HashMap<>(client);
    props.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
    props.put(ProducerConfig.ACKS_CONFIG, "all");
    props.put(ProducerConfig.LINGER_MS_CONFIG, 2);
    props.put(ProducerConfig.CLIENT_ID_CONFIG, "demo-pacs");
    this.producer = new KafkaProducer<>(props, Topics.SCANS.keySerde(serdeConfig).serializer(),
        Topics.SCANS.valueSerde(serdeConfig).serializer());
    this.ledger = ledger;
    this.radiologist = radiologist;
    this.encoding = encoding;
    this.labelFraction = labelFraction;
    this.labelDraw = new Random(seed ^ 0x1abe1L);
  }

  /**
   * Sends {@code scans} at {@code rate} scans per second (paced from the first one, so a slow
   * moment is caught up rather than lost), stopping early when {@code stop} says so.
   *
   * @return how many were sent
   */
  int stream(List<StreamScan> scans, double rate, BooleanSupplier stop) throws InterruptedException {
    long start = System.nanoTime();
    int sent = 0;
    for (StreamScan scan : scans) {
      if (stop.getAsBoolean()) {
        break;
      }
      long due = start + (long) (sent * 1e9 / rate);
      long wait = due - System.nanoTime();
      if (wait > 0) {
        Thread.sleep(wait / 1_000_000, (int) (wait % 1_000_000));
      }
      send(scan);
      sent++;
    }
    producer.flush();
    return sent;
  }

  private void send(StreamScan scan) {
    ScanEvent event = event(scan, encoding);
    boolean labeled = labelDraw.nextDouble() < labelFraction;
    ledger.sending(scan, System.currentTimeMillis(), labeled);
    producer.send(new ProducerRecord<>(Topics.SCANS.name(), scan.sopInstanceUid(), event), (md, e) -> {
      if (e != null) {
        ledger.sendFailed(scan.sopInstanceUid(), e.toString());
      } else {
        ledger.acknowledged(scan.sopInstanceUid());
        if (labeled) {
          radiologist.review(scan, event);
        }
      }
    });
  }

  /** The ScanEvent for a stream scan: its image read from the work dir and encoded as asked. */
  static ScanEvent event(StreamScan scan, ImageEncoding encoding) {
    byte[] png;
    try {
      png = Files.readAllBytes(scan.file());
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read phantom " + scan.file() + ": " + e.getMessage()
          + "; was the work dir changed during the demo?", e);
    }
    GrayImage image = ImageDecoder.decode(png, ImageEncoding.PNG, 0, 0);
    Instant now = Instant.now();
    byte[] bytes = encoding == ImageEncoding.PNG ? png : DicomWriter.builder()
        .optStudyInstanceUid(scan.studyInstanceUid())
        .optSeriesInstanceUid(scan.seriesInstanceUid())
        .optSopInstanceUid(scan.sopInstanceUid())
        .optPatientId(scan.patientKey())
        .optInstanceNumber(scan.slice() + 1)
        .optAcquisitionDateTime(LocalDateTime.ofInstant(now, ZoneOffset.UTC))
        .build()
        .write(image);
    return ScanEvent.newBuilder()
        .setIdentity(ScanIdentity.newBuilder()
            .setStudyInstanceUid(scan.studyInstanceUid())
            .setSeriesInstanceUid(scan.seriesInstanceUid())
            .setSopInstanceUid(scan.sopInstanceUid())
            .setPatientKey(scan.patientKey())
            .build())
        .setAcquisitionTime(now)
        .setSource(SOURCE)
        .setSliceIndex(scan.slice())
        .setSliceCount(scan.sliceCount())
        .setEncoding(encoding)
        .setWidth(image.width())
        .setHeight(image.height())
        .setImage(ByteBuffer.wrap(bytes))
        .setAttributes(Map.of("modality", "MR", "phantom", "true"))
        .build();
  }

  @Override
  public void close() {
    producer.close();
  }
}
