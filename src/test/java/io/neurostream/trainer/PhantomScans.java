package io.neurostream.trainer;

import io.neurostream.avro.DementiaStage;
import io.neurostream.avro.ImageEncoding;
import io.neurostream.avro.LabeledScan;
import io.neurostream.avro.Prediction;
import io.neurostream.avro.ScanEvent;
import io.neurostream.avro.ScanIdentity;
import io.neurostream.imaging.GrayImage;
import io.neurostream.kafka.Topics;
import io.neurostream.model.ClassProbabilities;
import io.neurostream.phantom.PhantomGenerator;
import io.neurostream.phantom.PhantomSubject;
import io.neurostream.platform.KafkaStack;
import io.neurostream.training.EvaluationMetrics;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.Function;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;

/** Phantom brain slices as scans and labels on Kafka, and predictions read back, for trainer ITs. */
final class PhantomScans {

  /** Image side of the test scans: the test networks' input size, so nothing is resampled. */
  static final int SIZE = 40;

  /** One slice with its true stage. */
  record Slice(String scanId, String patient, DementiaStage stage, GrayImage image) {}

  private PhantomScans() {}

  /** {@code subjects × slices} phantom slices, all four stages equally often. */
  static List<Slice> slices(long seed, int subjects, int slicesPerSubject, String prefix) {
    PhantomGenerator gen = PhantomGenerator.builder().setSeed(seed).optSize(SIZE).optProportions(1, 1, 1, 1).build();
    List<Slice> out = new ArrayList<>();
    for (PhantomSubject s : gen.subjects(subjects, slicesPerSubject)) {
      for (int i = 0; i < s.sliceCount(); i++) {
        out.add(new Slice(prefix + "-" + s.id() + "-" + i, prefix + "-" + s.id(), s.stage(), gen.render(s, i)));
      }
    }
    return out;
  }

  static ScanEvent scan(String scanId, String patient, GrayImage image) {
    byte[] raw = new byte[image.pixels().length];
    for (int i = 0; i < raw.length; i++) {
      raw[i] = (byte) Math.round(Math.max(0, Math.min(1, image.pixels()[i])) * 255);
    }
    return ScanEvent.newBuilder()
        .setIdentity(ScanIdentity.newBuilder().setStudyInstanceUid("1.2.826.0.1." + patient.hashCode())
            .setSeriesInstanceUid("1.2.826.0.2." + patient.hashCode()).setSopInstanceUid(scanId)
            .setPatientKey(patient).build())
        .setAcquisitionTime(Instant.now())
        .setSource("trainer-it")
        .setEncoding(ImageEncoding.RAW_U8)
        .setWidth(image.width())
        .setHeight(image.height())
        .setImage(ByteBuffer.wrap(raw))
        .build();
  }

  /** Publishes scans of {@code slices} under {@code idPrefix + scanId}. */
  static void sendScans(KafkaStack stack, List<Slice> slices, String idPrefix) {
    try (KafkaProducer<String, ScanEvent> p = new KafkaProducer<>(producerProps(stack),
        Topics.SCANS.keySerde(stack.serdeConfig()).serializer(), Topics.SCANS.valueSerde(stack.serdeConfig()).serializer())) {
      for (Slice s : slices) {
        String id = idPrefix + s.scanId();
        p.send(new ProducerRecord<>(Topics.SCANS.name(), id, scan(id, s.patient(), s.image())));
      }
      p.flush();
    }
  }

  /** Publishes a label per slice, the stage given by {@code labelOf}. */
  static void sendLabels(KafkaStack stack, List<Slice> slices, Function<Slice, DementiaStage> labelOf) {
    try (KafkaProducer<String, LabeledScan> p = new KafkaProducer<>(producerProps(stack),
        Topics.LABELS.keySerde(stack.serdeConfig()).serializer(), Topics.LABELS.valueSerde(stack.serdeConfig()).serializer())) {
      for (Slice s : slices) {
        LabeledScan label = LabeledScan.newBuilder().setScan(scan(s.scanId(), s.patient(), s.image()))
            .setLabel(labelOf.apply(s)).setLabeler("radiologist-1").setLabeledAt(Instant.now()).build();
        p.send(new ProducerRecord<>(Topics.LABELS.name(), s.scanId(), label));
      }
      p.flush();
    }
  }

  private static Map<String, Object> producerProps(KafkaStack stack) {
    Map<String, Object> props = new HashMap<>(stack.client());
    props.put(ProducerConfig.MAX_REQUEST_SIZE_CONFIG, 8 << 20);
    props.put(ProducerConfig.LINGER_MS_CONFIG, 5);
    return props;
  }

  /** Every committed prediction so far, by scan id. */
  static Map<String, Prediction> predictions(KafkaStack stack) {
    Map<String, Object> props = new HashMap<>(stack.client());
    props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
    props.put(ConsumerConfig.CLIENT_ID_CONFIG, "it-predictions-" + UUID.randomUUID());
    Map<String, Prediction> out = new HashMap<>();
    try (KafkaConsumer<String, Prediction> c = new KafkaConsumer<>(props,
        Topics.PREDICTIONS.keySerde(stack.serdeConfig()).deserializer(),
        Topics.PREDICTIONS.valueSerde(stack.serdeConfig()).deserializer())) {
      List<TopicPartition> tps = new ArrayList<>();
      c.partitionsFor(Topics.PREDICTIONS.name()).forEach(i -> tps.add(new TopicPartition(i.topic(), i.partition())));
      c.assign(tps);
      c.seekToBeginning(tps);
      Map<TopicPartition, Long> end = c.endOffsets(tps);
      while (tps.stream().anyMatch(tp -> c.position(tp) < end.get(tp))) {
        for (ConsumerRecord<String, Prediction> r : c.poll(Duration.ofMillis(200))) {
          out.put(r.key(), r.value());
        }
      }
    }
    return out;
  }

  /** Balanced accuracy of the predictions of {@code slices} (scan ids with {@code idPrefix}). */
  static EvaluationMetrics score(List<Slice> slices, String idPrefix, Map<String, Prediction> predictions) {
    int[] labels = new int[slices.size()];
    List<ClassProbabilities> predicted = new ArrayList<>();
    for (int i = 0; i < slices.size(); i++) {
      labels[i] = slices.get(i).stage().ordinal();
      List<Float> p = predictions.get(idPrefix + slices.get(i).scanId()).getProbabilities();
      float[] f = new float[p.size()];
      for (int k = 0; k < f.length; k++) {
        f[k] = p.get(k);
      }
      predicted.add(ClassProbabilities.of(f));
    }
    return EvaluationMetrics.of(labels, predicted);
  }
}
