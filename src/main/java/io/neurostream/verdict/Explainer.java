package io.neurostream.verdict;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.neurostream.avro.DementiaStage;
import io.neurostream.avro.Explanation;
import io.neurostream.avro.Prediction;
import io.neurostream.avro.SeriesVerdict;
import io.neurostream.avro.SupportingSlice;
import io.neurostream.imaging.GrayImage;
import io.neurostream.imaging.ScanReader;
import io.neurostream.kafka.Topics;
import io.neurostream.model.GradCam;
import io.neurostream.model.ScanClassifierModel;
import io.neurostream.ops.BackgroundPriority;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Grad-CAM explanations off the inference hot path: a thread of its own reads the committed
 * verdicts ({@code explain.mode=verdict}: the supporting slices, for the verdict class) or
 * predictions ({@code all}: every slice, for its predicted class), reads each slice back from
 * {@code mri.scans} by its offset, computes the map with the model version that classified it and
 * publishes an {@link Explanation} to {@code mri.explanations}. Offsets are committed after the
 * explanations are acknowledged: at least once, and an explanation published twice is the same
 * record under the same key. A slice that cannot be explained (scan gone, model without release)
 * is counted and logged with the reason; its verdict is unaffected.
 */
public final class Explainer implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(Explainer.class);
  /** Side of the overlay PNG in pixels. */
  static final int OVERLAY_SIZE = 128;

  private final ExplainMode mode;
  private final KafkaConsumer<String, byte[]> consumer;
  private final KafkaProducer<String, byte[]> producer;
  private final Deserializer<SeriesVerdict> verdicts;
  private final Deserializer<Prediction> predictions;
  private final Serializer<Explanation> explanations;
  private final ScanReader scans;
  private final ExplainerModels models;
  private final MeterRegistry meters;
  private final Timer timer;
  private final Thread thread;
  private volatile boolean running = true;
  private volatile boolean paused;
  private volatile boolean skipOnResume;

  private Explainer(VerdictConfig config, ExplainMode mode, MeterRegistry meters) {
    this.mode = mode;
    this.meters = meters;
    Map<String, Object> client = config.common().kafkaProperties();
    Map<String, ?> serde = config.common().serdeConfig();
    consumer = new KafkaConsumer<>(config.sideConsumer("explainer", 20), new StringDeserializer(),
        new ByteArrayDeserializer());
    Map<String, Object> p = new HashMap<>(client);
    p.put(ProducerConfig.ACKS_CONFIG, "all");
    p.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
    producer = new KafkaProducer<>(p, new StringSerializer(),
        new org.apache.kafka.common.serialization.ByteArraySerializer());
    verdicts = Topics.SERIES_VERDICTS.valueSerde(serde).deserializer();
    predictions = Topics.PREDICTIONS.valueSerde(serde).deserializer();
    explanations = Topics.EXPLANATIONS.valueSerde(serde).serializer();
    scans = new ScanReader(client, serde);
    Path work = config.common().stateDir().resolve(config.applicationId())
        .resolve("explainer-artifacts");
    models = new ExplainerModels(client, serde, work);
    timer = Timer.builder("neurostream_explanation_seconds")
        .description("Grad-CAM time per explained slice").register(meters);
    thread = new Thread(this::run, "explainer");
    thread.setDaemon(true);
  }

  /** Starts explaining unless {@code mode} is off (then empty). */
  public static Optional<Explainer> start(VerdictConfig config, ExplainMode mode,
      MeterRegistry meters) {
    if (mode == ExplainMode.OFF) {
      return Optional.empty();
    }
    Explainer explainer = new Explainer(config, mode, meters);
    explainer.consumer.subscribe(List.of(mode == ExplainMode.ALL
        ? Topics.PREDICTIONS.name() : Topics.SERIES_VERDICTS.name()));
    explainer.thread.start();
    LOG.info("explainer started: explain.mode={}", mode.name().toLowerCase(java.util.Locale.ROOT));
    return Optional.of(explainer);
  }

  private void run() {
    // before the first model operation: its OpenMP threads inherit the priority
    BackgroundPriority.lowerCurrentThread("the Grad-CAM explainer");
    try {
      while (running) {
        if (paused != !consumer.paused().isEmpty() && !consumer.assignment().isEmpty()) {
          if (paused) {
            consumer.pause(consumer.assignment());
          } else {
            if (skipOnResume) {
              consumer.seekToEnd(consumer.assignment());
              consumer.assignment().forEach(consumer::position);
              consumer.commitSync();
            }
            consumer.resume(consumer.assignment());
          }
        }
        var records = consumer.poll(Duration.ofMillis(paused ? 100 : 500));
        for (ConsumerRecord<String, byte[]> r : records) {
          explain(requests(r));
        }
        if (!records.isEmpty()) {
          producer.flush();
          consumer.commitSync();
        }
      }
    } catch (WakeupException e) {
      // closing
    } catch (RuntimeException e) {
      LOG.error("explainer stopped: {}; explanations resume from the last commit on restart",
          e.toString(), e);
    } finally {
      consumer.close(Duration.ofSeconds(5));
      producer.close(Duration.ofSeconds(5));
      scans.close();
      models.close();
    }
  }

  /** One slice to explain. */
  record Request(String sop, String series, String study, int classIndex, String modelVersion,
      Integer partition, Long offset, Integer revision) {}

  private List<Request> requests(ConsumerRecord<String, byte[]> r) {
    List<Request> out = new ArrayList<>();
    if (r.value() == null) {
      return out;
    }
    if (mode == ExplainMode.ALL) {
      Prediction p = predictions.deserialize(r.topic(), r.value());
      out.add(new Request(p.getIdentity().getSopInstanceUid(),
          p.getIdentity().getSeriesInstanceUid(), p.getIdentity().getStudyInstanceUid(),
          p.getPredicted().ordinal(), p.getModelVersion(), p.getScanPartition(), p.getScanOffset(),
          null));
      return out;
    }
    SeriesVerdict v = verdicts.deserialize(r.topic(), r.value());
    for (SupportingSlice s : v.getSupportingSlices()) {
      out.add(new Request(s.getSopInstanceUid(), v.getSeriesInstanceUid(),
          v.getStudyInstanceUid(), v.getVerdict().ordinal(), s.getModelVersion(),
          s.getScanPartition(), s.getScanOffset(), v.getRevision()));
    }
    return out;
  }

  /**
   * Explains one record's slices: those of one model version in one Grad-CAM pass (a verdict's
   * supporting slices usually share it), each failure reported on its own.
   */
  private void explain(List<Request> requests) {
    java.util.Map<String, List<Request>> byModel = new java.util.LinkedHashMap<>();
    java.util.Map<Request, GrayImage> images = new java.util.HashMap<>();
    for (Request q : requests) {
      image(q).ifPresent(image -> {
        images.put(q, image);
        byModel.computeIfAbsent(q.modelVersion(), v -> new ArrayList<>()).add(q);
      });
    }
    for (List<Request> group : byModel.values()) {
      Request first = group.get(0);
      ScanClassifierModel model;
      try {
        model = models.model(first.modelVersion());
      } catch (RuntimeException e) {
        group.forEach(q -> failed(q, "MODEL_UNAVAILABLE", e.getMessage()));
        continue;
      }
      List<GrayImage> slices = group.stream().map(images::get).toList();
      long t0 = System.nanoTime();
      List<GradCam.Map> maps = GradCam.of(model, slices, first.classIndex());
      long nanos = (System.nanoTime() - t0) / group.size();
      for (int i = 0; i < group.size(); i++) {
        timer.record(Duration.ofNanos(nanos));
        publish(group.get(i), slices.get(i), maps.get(i), nanos);
      }
    }
  }

  private Optional<GrayImage> image(Request q) {
    if (q.partition() == null || q.offset() == null) {
      failed(q, "NO_SCAN_OFFSET", "its prediction does not say where the scan is (an older "
          + "classifier); upgrade the classifier");
      return Optional.empty();
    }
    Optional<GrayImage> image;
    try {
      image = scans.image(q.partition(), q.offset());
    } catch (RuntimeException e) {
      failed(q, "SCAN_UNREADABLE", e.toString());
      return Optional.empty();
    }
    if (image.isEmpty()) {
      failed(q, "SCAN_GONE", "the scan is no longer on " + Topics.SCANS.name()
          + " (retention passed)");
    }
    return image;
  }

  private void publish(Request q, GrayImage image, GradCam.Map map, long nanos) {
    List<Float> grid = new ArrayList<>(map.values().length);
    for (float f : map.values()) {
      grid.add(f);
    }
    Explanation e = Explanation.newBuilder()
        .setSopInstanceUid(q.sop())
        .setSeriesInstanceUid(q.series())
        .setStudyInstanceUid(q.study())
        .setExplainedClass(DementiaStage.values()[q.classIndex()])
        .setProbability(map.probability())
        .setModelVersion(q.modelVersion())
        .setGridWidth(map.width())
        .setGridHeight(map.height())
        .setGrid(grid)
        .setOverlayPng(ByteBuffer.wrap(OverlayPng.of(image, map, OVERLAY_SIZE)))
        .setVerdictRevision(q.revision())
        .setComputedAt(Instant.now())
        .setComputeMs(nanos / 1_000_000)
        .build();
    producer.send(new ProducerRecord<>(Topics.EXPLANATIONS.name(), q.sop(),
        explanations.serialize(Topics.EXPLANATIONS.name(), e)));
    meters.counter("neurostream_explanations_total").increment();
  }

  /**
   * Stops explaining for a while (benchmarks compare throughput with and without explanations on
   * one warm process); the group membership is kept.
   */
  public void pause() {
    paused = true;
  }

  /**
   * Goes on explaining.
   *
   * @param skipBacklog skip what arrived while paused (a benchmark's runs without explanations)
   */
  public void resume(boolean skipBacklog) {
    skipOnResume = skipBacklog;
    paused = false;
  }

  private void failed(Request q, String reason, String message) {
    meters.counter("neurostream_explanations_failed_total", "reason", reason).increment();
    LOG.warn("slice {} of series {} not explained ({}): {}", q.sop(), q.series(), reason, message);
  }

  @Override
  public void close() {
    running = false;
    consumer.wakeup();
    try {
      thread.join(15_000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
