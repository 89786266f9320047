package io.neurostream.model;

import ai.djl.Device;
import io.neurostream.imaging.GrayImage;
import io.neurostream.imaging.ImageDecodeException;
import io.neurostream.model.engine.ForwardPass;
import io.neurostream.model.engine.InferenceWorkers;
import io.neurostream.model.engine.ServingOptions;
import io.neurostream.model.engine.ServingPath;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Classifies batches of slices: a list in, a list of {@link ClassProbabilities} out, in the same
 * order. Thread-safe. The forward path (the engine's compiled graph or the portable imperative
 * network, see {@link ServingPath}) and the data-parallel workers (see {@link InferenceWorkers})
 * come from {@link ServingOptions}; each share of a batch is preprocessed, run and turned into
 * probabilities on its worker. {@link #close()} frees the replicas and the compiled graph; call it
 * once the callers are done.
 */
public final class BatchPredictor implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(BatchPredictor.class);

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
  private final ScanPreprocessor preprocessor;
  private final ServingPath path;
  private final InferenceWorkers workers;
  private volatile boolean closed;

  BatchPredictor(ScanClassifierModel model, ServingOptions options) {
    this.model = Objects.requireNonNull(model, "model");
    this.maxForwardBatch = maxForwardBatch(model.spec(), model.device());
    this.preprocessor = new ScanPreprocessor(model.spec(), model.normalization());
    ScanNetwork network = model.network();
    ai.djl.ndarray.types.Shape image = network.inputShape(1).slice(1);
    this.path = ServingPath.open(model.model(), network.backbone(), network.head(), image,
        maxForwardBatch, options);
    int cores = Runtime.getRuntime().availableProcessors();
    InferenceWorkers w = null;
    try {
      w = new InferenceWorkers(path.factory(), options.resolvedWorkers(model.engineName(), cores),
          cores);
      int side = model.spec().inputSize();
      List<ScanInput> one = List.of(ScanInput.of(new GrayImage(side, side, new float[side * side])));
      w.<ClassProbabilities>warmUp(1, (from, to, pass) -> classify(one, from, to, pass));
    } catch (RuntimeException e) {
      if (w != null) {
        w.close();
      }
      path.close();
      throw e;
    }
    this.workers = w;
    LOG.info("serving {} with {} ({} worker(s) x {} operator thread(s))",
        model.spec().architecture(), path.description(), workers.workers(),
        workers.threadsPerWorker());
  }

  /** The model this predictor serves. */
  public ScanClassifierModel model() {
    return model;
  }

  /** Which forward path serves, and why (for logs and benchmark output). */
  public String servingPath() {
    return path.description();
  }

  /** The data-parallel inference workers a batch is split among. */
  public int workers() {
    return workers.workers();
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

  /**
   * The most images one imperative forward pass takes here (see {@link #CPU_ACTIVATION_BUDGET});
   * the compiled graph allocates its activations once and takes any batch in one pass.
   */
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
    List<? extends ScanInput> batch = List.copyOf(inputs);
    try {
      return workers.run(batch.size(), (from, to, pass) -> classify(batch, from, to, pass));
    } catch (ImageDecodeException | InferenceException e) {
      throw e;
    } catch (RuntimeException e) {
      throw new InferenceException("inference failed on a batch of " + inputs.size() + ": "
          + e.getMessage(), e);
    }
  }

  /** Preprocesses images {@code [from, to)}, runs them and applies softmax. */
  private List<ClassProbabilities> classify(List<? extends ScanInput> inputs, int from, int to,
      ForwardPass pass) {
    int per = preprocessor.valuesPerImage();
    int n = to - from;
    float[] values = new float[per * n];
    for (int i = 0; i < n; i++) {
      preprocessor.write(inputs.get(from + i).image(), values, i * per);
    }
    float[] logits = pass.logits(values, 0, n);
    int classes = logits.length / n;
    List<ClassProbabilities> out = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      out.add(ClassProbabilities.of(softmax(logits, i * classes, classes)));
    }
    return out;
  }

  /** Softmax of {@code count} logits from {@code offset}, in double precision. */
  static float[] softmax(float[] logits, int offset, int count) {
    double max = Double.NEGATIVE_INFINITY;
    for (int i = 0; i < count; i++) {
      max = Math.max(max, logits[offset + i]);
    }
    double[] e = new double[count];
    double sum = 0;
    for (int i = 0; i < count; i++) {
      e[i] = Math.exp(logits[offset + i] - max);
      sum += e[i];
    }
    float[] p = new float[count];
    for (int i = 0; i < count; i++) {
      p[i] = (float) (e[i] / sum);
    }
    return p;
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
    try (path) {
      workers.close();
    }
  }
}
