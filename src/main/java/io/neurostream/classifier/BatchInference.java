package io.neurostream.classifier;

import io.neurostream.avro.DementiaStage;
import io.neurostream.avro.Prediction;
import io.neurostream.avro.ScanEvent;
import io.neurostream.imaging.DecodeLimits;
import io.neurostream.imaging.GrayImage;
import io.neurostream.imaging.ImageDecodeException;
import io.neurostream.imaging.ImageDecoder;
import io.neurostream.model.ClassProbabilities;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One batch, from buffered records to outcomes: read and decode each scan, run one batched
 * inference with the model leased for the whole batch, and turn each result into a Prediction.
 * Every input gives exactly one outcome, a prediction or a rejection. When the batch inference
 * fails, each scan is retried alone so that one poison image does not take its neighbours down.
 * Called on the stream thread that owns the batch, so the model's per-thread Predictor is used.
 */
final class BatchInference {

  private static final Logger LOG = LoggerFactory.getLogger(BatchInference.class);
  private static final DementiaStage[] STAGES = DementiaStage.values();

  /** What became of one buffered scan. */
  sealed interface Outcome permits Predicted, Failed {
    BufferedScan source();
  }

  record Predicted(BufferedScan source, String key, Prediction prediction) implements Outcome {}

  record Failed(BufferedScan source, ScanRejection why) implements Outcome {}

  private record Ready(BufferedScan source, ScanEvent scan, GrayImage image, int index) {}

  /**
   * PNG and JPEG slices decode straight to at least this many pixels per axis (see
   * {@link ImageDecoder#decode(byte[], io.neurostream.avro.ImageEncoding, int, int, DecodeLimits,
   * int)}): more than twice every model input size we use (224 at most), so the model's
   * area-averaging resize still sees every detail it keeps, and slices below 1024 pixels decode
   * exactly as before.
   */
  static final int DECODE_KEEP_SIDE = 512;

  private final ScanReader reader;
  private final DecodeLimits limits;
  private final ModelHolder models;
  private final ClassifierMetrics metrics;
  private final long maxPixels;

  BatchInference(ScanReader reader, TopologySettings settings, ModelHolder models,
      ClassifierMetrics metrics) {
    this.reader = reader;
    this.limits = new DecodeLimits(settings.scanMaxDimension(), settings.scanMaxDimension());
    this.models = models;
    this.metrics = metrics;
    this.maxPixels = settings.batchMaxPixels();
  }

  /**
   * Outcomes in the order of {@code batch}; {@code nowMs} stamps {@code predictedAt}. Images are
   * decoded one at a time and held until inference; once the next one would take the images held
   * past {@code batch.max.pixels}, those held are inferred first, so a batch of large slices runs
   * in parts instead of exhausting the heap.
   */
  List<Outcome> run(List<BufferedScan> batch, long nowMs) {
    long t0 = System.nanoTime();
    Outcome[] outcomes = new Outcome[batch.size()];
    List<Ready> ready = new ArrayList<>(batch.size());
    long held = 0;
    long inferNanos = 0;
    for (int i = 0; i < batch.size(); i++) {
      BufferedScan source = batch.get(i);
      ScanReader.Result read = reader.read(source.topic(), source.value());
      if (read instanceof ScanReader.Rejected rejected) {
        outcomes[i] = new Failed(source, rejected.why());
        continue;
      }
      ScanEvent scan = ((ScanReader.Accepted) read).scan();
      GrayImage image;
      try {
        image = ImageDecoder.decode(bytes(scan.getImage()), scan.getEncoding(), scan.getWidth(),
            scan.getHeight(), limits, DECODE_KEEP_SIDE);
        if (!reader.dimensionsAllowed(image.width(), image.height())) {
          outcomes[i] = new Failed(source, ScanRejection.of(FailureStage.VALIDATE,
              "DIMENSIONS_OUT_OF_RANGE", reader.dimensionMessage(image.width(), image.height())));
          continue;
        }
      } catch (ImageDecodeException e) {
        String type = e.reason().name();
        FailureStage stage = e.reason() == ImageDecodeException.Reason.DIMENSIONS_OUT_OF_RANGE
            ? FailureStage.VALIDATE : FailureStage.DECODE;
        outcomes[i] = new Failed(source, ScanRejection.of(stage, type, e.getMessage()));
        continue;
      } catch (RuntimeException e) {
        // a decoder bug must not block the partition either
        outcomes[i] = new Failed(source, ScanRejection.of(FailureStage.DECODE,
            "IMAGE_DECODE_FAILED", "decoder failed: " + e));
        continue;
      }
      long pixels = (long) image.width() * image.height();
      if (pixels > maxPixels) {
        outcomes[i] = new Failed(source, ScanRejection.of(FailureStage.DECODE, "OVER_PIXEL_BUDGET",
            "the image decodes to " + image.width() + "x" + image.height() + " = " + pixels
                + " pixels, above " + TopologySettings.BATCH_MAX_PIXELS + "=" + maxPixels
                + "; downscale the slice, or raise " + TopologySettings.BATCH_MAX_PIXELS
                + " together with the heap"));
        continue;
      }
      if (held + pixels > maxPixels) {
        long s = System.nanoTime();
        inferInto(outcomes, ready, nowMs);
        inferNanos += System.nanoTime() - s;
        held = 0;
      }
      ready.add(new Ready(source, scan, image, i));
      held += pixels;
    }
    long s = System.nanoTime();
    inferInto(outcomes, ready, nowMs);
    inferNanos += System.nanoTime() - s;
    if (LOG.isDebugEnabled()) {
      LOG.debug("batch of {}: read+decode {} ms, inference {} ms", batch.size(),
          (System.nanoTime() - t0 - inferNanos) / 1_000_000, inferNanos / 1_000_000);
    }
    return List.of(outcomes);
  }

  /** Infers the images held, puts their outcomes in place and lets go of them. */
  private void inferInto(Outcome[] outcomes, List<Ready> ready, long nowMs) {
    if (ready.isEmpty()) {
      return;
    }
    try (ModelHolder.Lease lease = models.acquire()) {
      List<Outcome> inferred = infer(ready, lease, nowMs);
      for (int k = 0; k < inferred.size(); k++) {
        outcomes[ready.get(k).index()] = inferred.get(k);
      }
    }
    ready.clear();
  }

  private List<Outcome> infer(List<Ready> ready, ModelHolder.Lease lease, long nowMs) {
    List<GrayImage> images = ready.stream().map(Ready::image).toList();
    try {
      long t0 = System.nanoTime();
      List<ClassProbabilities> results = lease.model().predict(images);
      metrics.batch(images.size(), System.nanoTime() - t0);
      if (results.size() != images.size()) {
        throw new IllegalStateException("model returned " + results.size() + " results for "
            + images.size() + " images");
      }
      List<Outcome> out = new ArrayList<>(ready.size());
      for (int k = 0; k < ready.size(); k++) {
        out.add(predicted(ready.get(k), results.get(k), lease.version(), ready.size(), nowMs));
      }
      return out;
    } catch (RuntimeException e) {
      LOG.warn("batch of {} failed in model {} ({}); retrying each scan alone to isolate it",
          images.size(), lease.version(), e.toString());
      return isolate(ready, lease, nowMs);
    }
  }

  private List<Outcome> isolate(List<Ready> ready, ModelHolder.Lease lease, long nowMs) {
    List<Outcome> out = new ArrayList<>(ready.size());
    for (Ready r : ready) {
      try {
        long t0 = System.nanoTime();
        List<ClassProbabilities> one = lease.model().predict(List.of(r.image()));
        metrics.batch(1, System.nanoTime() - t0);
        if (one.size() != 1) {
          throw new IllegalStateException("model returned " + one.size() + " results for 1 image");
        }
        out.add(predicted(r, one.get(0), lease.version(), 1, nowMs));
      } catch (RuntimeException e) {
        out.add(new Failed(r.source(), ScanRejection.of(FailureStage.INFERENCE, "INFERENCE_FAILED",
            "model " + lease.version() + " failed on this scan alone: " + e)));
      }
    }
    return out;
  }

  private static byte[] bytes(java.nio.ByteBuffer buffer) {
    if (buffer.hasArray() && buffer.arrayOffset() == 0 && buffer.position() == 0
        && buffer.remaining() == buffer.array().length) {
      return buffer.array();
    }
    byte[] copy = new byte[buffer.remaining()];
    buffer.duplicate().get(copy);
    return copy;
  }

  private static Predicted predicted(
      Ready r, ClassProbabilities result, String version, int batchSize, long nowMs) {
    float[] p = result.probabilities();
    int best = 0;
    List<Float> probs = new ArrayList<>(p.length);
    for (int i = 0; i < p.length; i++) {
      probs.add(p[i]);
      if (p[i] > p[best]) {
        best = i;
      }
    }
    Prediction prediction = Prediction.newBuilder()
        .setIdentity(r.scan().getIdentity())
        .setPredicted(STAGES[best])
        .setProbabilities(probs)
        .setModelVersion(version)
        .setScanTimestamp(Instant.ofEpochMilli(r.source().timestamp()))
        .setPredictedAt(Instant.ofEpochMilli(nowMs))
        .setBatchSize(batchSize)
        .setSliceIndex(r.scan().getSliceIndex())
        .setSliceCount(r.scan().getSliceCount())
        .setScanPartition(r.source().partition())
        .setScanOffset(r.source().offset())
        .build();
    return new Predicted(r.source(), r.scan().getIdentity().getSopInstanceUid(), prediction);
  }
}
