package io.neurostream.demo;

import io.neurostream.avro.LabeledScan;
import io.neurostream.avro.ScanEvent;
import io.neurostream.kafka.Topics;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;

/**
 * Confirms the stage of the scans it is given, some time after they were sent (between half and one
 * and a half times the configured delay), and publishes each as a {@link LabeledScan} to {@code
 * mri.labels}, as radiologists' reads flow back from a reporting system. The label is the phantom's
 * true stage: in the demo the radiologist is always right.
 */
final class Radiologist implements AutoCloseable {

  /** Pseudonymous labeler id (never a name). */
  static final String LABELER = "radiologist-demo-1";

  private final KafkaProducer<String, LabeledScan> producer;
  private final ScanLedger ledger;
  private final Duration delay;
  private final Random jitter;
  private final ScheduledExecutorService desk;

  Radiologist(Map<String, Object> client, Map<String, ?> serdeConfig, ScanLedger ledger, Duration delay,
      long seed) {
    Map<String, Object> props = new HashMap<>(client);
    props.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
    props.put(ProducerConfig.ACKS_CONFIG, "all");
    props.put(ProducerConfig.LINGER_MS_CONFIG, 5);
    props.put(ProducerConfig.CLIENT_ID_CONFIG, "demo-radiologist");
    this.producer = new KafkaProducer<>(props, Topics.LABELS.keySerde(serdeConfig).serializer(),
        Topics.LABELS.valueSerde(serdeConfig).serializer());
    this.ledger = ledger;
    this.delay = delay;
    this.jitter = new Random(seed ^ 0x7ad1L);
    this.desk = Executors.newSingleThreadScheduledExecutor(r -> {
      Thread t = new Thread(r, "demo-radiologist");
      t.setDaemon(true);
      return t;
    });
  }

  /** Schedules the label of a scan the PACS has sent. */
  void review(StreamScan scan, ScanEvent event) {
    long millis;
    synchronized (jitter) {
      millis = (long) (delay.toMillis() * (0.5 + jitter.nextDouble()));
    }
    desk.schedule(() -> publish(scan, event), millis, TimeUnit.MILLISECONDS);
  }

  private void publish(StreamScan scan, ScanEvent event) {
    LabeledScan label = LabeledScan.newBuilder()
        .setScan(ScanEvent.newBuilder(event).build()) // a deep copy: the image buffer is not shared
        .setLabel(scan.truth())
        .setLabeler(LABELER)
        .setLabeledAt(Instant.now())
        .build();
    producer.send(new ProducerRecord<>(Topics.LABELS.name(), scan.sopInstanceUid(), label), (md, e) -> {
      if (e == null) {
        ledger.labelSent();
      }
    });
  }

  /** Stops labelling; labels not yet due are dropped (the demo is over for them). */
  @Override
  public void close() {
    desk.shutdownNow();
    producer.close(Duration.ofSeconds(10));
  }
}
