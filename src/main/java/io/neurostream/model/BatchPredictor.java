package io.neurostream.model;

import ai.djl.Device;
import ai.djl.inference.Predictor;
import ai.djl.translate.TranslateException;
import io.neurostream.imaging.GrayImage;
import io.neurostream.imaging.ImageDecodeException;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.ConcurrentLinkedQueue;

/**
 * Classifies batches of slices: a list in, a list of {@link ClassProbabilities} out, in the same
 * order. Thread-safe: a DJL {@link Predictor} is not, so each calling thread gets its own over the
 * one shared model. {@link #close()} closes every predictor it created; call it once the callers
 * are done.
 */
public final class BatchPredictor implements AutoCloseable {

  /**
   * Bytes the largest activation of one forward pass may take on a CPU. A ResNet's largest
   * activations (the stem's 64 channels at half the input side, stage one's 256 at a quarter) hold
   * 16 floats per input pixel per image: 1 MiB at 128 px. glibc serves allocations above 32 MiB
   * with a fresh mmap each time, so from 32 images of 128 px every such tensor faults its pages
   * in again on every pass. Measured with {@code bench engine} (ResNet50, 128 px, 2 cores): one
   * pass of 32 images 12–14 images/s with a quarter of the CPU time in the kernel, against 19–31
   * images/s in passes of 16. Half the ceiling leaves room for the allocator's own rounding.
   */
  static final long CPU_ACTIVATION_BUDGET = 16L << 20;

  private final ScanClassifierModel model;
  private final int maxForwardBatch;
  private final ScanTranslator translator;
  private final ConcurrentLinkedQueue<Predictor<ScanInput, ClassProbabilities>> all =
      new ConcurrentLinkedQueue<>();
  private final ThreadLocal<Predictor<ScanInput, ClassProbabilities>> perThread;
  private volatile boolean closed;

  BatchPredictor(ScanClassifierModel model) {
    this.model = Objects.requireNonNull(model, "model");
    this.maxForwardBatch = maxForwardBatch(model.spec(), model.device());
    this.translator = model.translator();
    this.perThread =
        ThreadLocal.withInitial(
            () -> {
              Predictor<ScanInput, ClassProbabilities> p = model.model().newPredictor(translator);
              all.add(p);
              return p;
            });
  }

  /** The model this predictor serves. */
  public ScanClassifierModel model() {
    return model;
  }

  /**
   * The most images one forward pass takes; a larger batch runs as several passes, each output
   * the same as alone. Unbounded on a GPU, where memory is the engine's own and large batches pay.
   */
  static int maxForwardBatch(ModelSpec spec, Device device) {
    if (device.isGpu()) {
      return Integer.MAX_VALUE;
    }
    long bytesPerImage = 16L * Float.BYTES * spec.inputSize() * spec.inputSize();
    return (int) Math.max(1, Math.min(Integer.MAX_VALUE, CPU_ACTIVATION_BUDGET / bytesPerImage));
  }

  /** The most images one forward pass takes here (see {@link #CPU_ACTIVATION_BUDGET}). */
  public int maxForwardBatch() {
    return maxForwardBatch;
  }

  /**
   * Classifies {@code inputs} as one batch.
   *
   * @throws ImageDecodeException when an encoded input cannot be decoded (decode beforehand to
   *     route single bad scans to a dead letter instead of failing the batch)
   * @throws InferenceException when the engine fails
   */
  public List<ClassProbabilities> predict(List<? extends ScanInput> inputs) {
    if (closed) {
      throw new IllegalStateException("this BatchPredictor is closed; open a new one from the model");
    }
    if (inputs.isEmpty()) {
      return List.of();
    }
    try {
      Predictor<ScanInput, ClassProbabilities> predictor = perThread.get();
      if (inputs.size() <= maxForwardBatch) {
        return predictor.batchPredict(new ArrayList<>(inputs));
      }
      List<ClassProbabilities> out = new ArrayList<>(inputs.size());
      for (int from = 0; from < inputs.size(); from += maxForwardBatch) {
        out.addAll(predictor.batchPredict(
            new ArrayList<>(inputs.subList(from, Math.min(inputs.size(), from + maxForwardBatch)))));
      }
      return out;
    } catch (TranslateException e) {
      // DJL wraps exceptions thrown by the translator; a decode failure is the input's fault
      for (Throwable t = e; t != null; t = t.getCause()) {
        if (t instanceof ImageDecodeException ide) {
          throw ide;
        }
      }
      throw new InferenceException("inference failed on a batch of " + inputs.size() + ": " + e.getMessage(), e);
    }
  }

  /** Classifies decoded images as one batch. */
  public List<ClassProbabilities> predictImages(List<GrayImage> images) {
    List<ScanInput> inputs = new ArrayList<>(images.size());
    for (GrayImage image : images) {
      inputs.add(ScanInput.of(image));
    }
    return predict(inputs);
  }

  /** Classifies one slice. */
  public ClassProbabilities predict(ScanInput input) {
    return predict(List.of(input)).get(0);
  }

  @Override
  public void close() {
    closed = true;
    Predictor<ScanInput, ClassProbabilities> p;
    while ((p = all.poll()) != null) {
      p.close();
    }
    perThread.remove();
  }
}
