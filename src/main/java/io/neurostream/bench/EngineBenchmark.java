package io.neurostream.bench;

import io.neurostream.model.BatchPredictor;
import io.neurostream.model.ComputeDevice;
import io.neurostream.model.DjlDefaults;
import io.neurostream.model.InferenceException;
import io.neurostream.model.ModelSpec;
import io.neurostream.model.Normalization;
import io.neurostream.model.ScanClassifierModel;
import io.neurostream.model.ScanPreprocessor;
import ai.djl.Device;
import ai.djl.engine.Engine;
import ai.djl.inference.Predictor;
import ai.djl.ndarray.types.Shape;
import java.nio.FloatBuffer;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.translate.NoopTranslator;
import ai.djl.translate.TranslateException;
import io.neurostream.imaging.GrayImage;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.FutureTask;
import java.util.function.Consumer;

/**
 * Measures inference speed of the scan classifier on the current engine and device: for each batch
 * size, warm-up batches (not timed), then timed batches; reports the median latency per batch and
 * the images per second it implies. Two paths are timed: the network alone on a ready input tensor
 * ({@code forward}, comparable with a plain PyTorch {@code model(x)}), and the whole {@link
 * BatchPredictor} path from decoded images to probabilities ({@code end-to-end}).
 */
public final class EngineBenchmark {

  private EngineBenchmark() {}

  /**
   * What to measure.
   *
   * @param spec the network (the seed's ResNet50 at 128 px by default)
   * @param batchSizes batch sizes to time
   * @param repeats timed batches per batch size (the median is reported)
   * @param warmup untimed batches per batch size before timing
   * @param device device name ({@code auto}, {@code cpu}, ...)
   * @param endToEnd also time the BatchPredictor path
   */
  public record Options(
      ModelSpec spec, List<Integer> batchSizes, int repeats, int warmup, String device, boolean endToEnd) {
    public Options {
      if (repeats < 1 || warmup < 0) {
        throw new IllegalArgumentException("repeats must be >= 1 and warm-up >= 0");
      }
    }
  }

  /**
   * One batch size's figures; latencies in milliseconds per batch.
   *
   * @param batchSize images per batch
   * @param medianMs median forward latency
   * @param minMs fastest forward batch
   * @param maxMs slowest forward batch
   * @param imagesPerSecond {@code batchSize / median}
   * @param endToEndMedianMs median latency of the BatchPredictor path, or NaN if not measured
   * @param endToEndImagesPerSecond images per second of that path, or NaN
   * @param cpuMsPerImage process CPU time per image over the timed forward batches: what an image
   *     costs in core-milliseconds, which other load on a shared machine hardly changes
   */
  public record Row(
      int batchSize, double medianMs, double minMs, double maxMs, double imagesPerSecond,
      double endToEndMedianMs, double endToEndImagesPerSecond, double cpuMsPerImage) {}

  /** Runs the benchmark; {@code progress} receives one line per finished batch size. */
  public static List<Row> run(Options options, Consumer<String> progress) {
    return onOwnThread("bench-engine", () -> measure(options, progress));
  }

  /**
   * Runs {@code work} on a fresh thread of its own and waits for it. Benchmarks infer there, as
   * the classifier's stream threads do: on the JVM's main thread the same passes measured up to
   * twice as slow, and as unsteady (the native allocator serves that thread differently).
   */
  public static <T> T onOwnThread(String name, Callable<T> work) {
    FutureTask<T> task = new FutureTask<>(work);
    Thread thread = new Thread(task, name);
    thread.start();
    try {
      return task.get();
    } catch (InterruptedException e) {
      thread.interrupt();
      Thread.currentThread().interrupt();
      throw new IllegalStateException(name + " was interrupted", e);
    } catch (ExecutionException e) {
      if (e.getCause() instanceof RuntimeException re) {
        throw re;
      }
      throw new IllegalStateException(name + " failed: " + e.getCause(), e.getCause());
    }
  }

  private static List<Row> measure(Options options, Consumer<String> progress) {
    DjlDefaults.apply();
    Device device = ComputeDevice.resolve(options.device());
    Engine.getInstance().setRandomSeed(1);
    List<Row> rows = new ArrayList<>();
    try (ScanClassifierModel model = ScanClassifierModel.create(options.spec(), Normalization.DEFAULT, device);
        Predictor<NDList, NDList> raw = model.model().newPredictor(new NoopTranslator());
        BatchPredictor predictor = model.newBatchPredictor()) {
      for (int batch : options.batchSizes()) {
        float[] values = new float[batch * new ScanPreprocessor(options.spec(), Normalization.DEFAULT).valuesPerImage()];
        Random random = new Random(batch);
        for (int i = 0; i < values.length; i++) {
          values[i] = (float) random.nextGaussian();
        }
        Shape shape = model.network().inputShape(batch);
        long cpu0 = processCpuNanos();
        double[] forward = time(options, () -> {
          // a fresh input array per batch, as in serving (reusing one array measured slower on MXNet)
          try (NDManager sub = model.model().getNDManager().newSubManager()) {
            NDList out = raw.predict(new NDList(sub.create(FloatBuffer.wrap(values), shape)));
            // MXNet runs asynchronously: reading the result waits for the computation
            out.singletonOrThrow().toFloatArray();
          }
        });
        double cpuMsPerImage = (processCpuNanos() - cpu0) / 1e6 / ((options.warmup() + options.repeats()) * batch);
        double e2eMedian = Double.NaN;
        if (options.endToEnd()) {
          List<GrayImage> images = randomImages(batch, options.spec().inputSize());
          double[] e2e = time(options, () -> predictor.predictImages(images));
          e2eMedian = median(e2e);
        }
        double median = median(forward);
        Row row = new Row(batch, median, Arrays.stream(forward).min().orElse(0),
            Arrays.stream(forward).max().orElse(0), batch * 1000.0 / median, e2eMedian,
            batch * 1000.0 / e2eMedian, cpuMsPerImage);
        rows.add(row);
        progress.accept(String.format(Locale.ROOT, "batch %d: median %.1f ms (%.1f img/s)", batch, median,
            row.imagesPerSecond()));
      }
    }
    return rows;
  }

  /** Environment settings that change engine speed, for the report. */
  public static Map<String, String> environment() {
    Map<String, String> env = new LinkedHashMap<>();
    Engine engine = Engine.getInstance();
    env.put("engine", engine.getEngineName() + " " + engine.getVersion());
    env.put("djl", Engine.getDjlVersion());
    env.put("cpus", Integer.toString(Runtime.getRuntime().availableProcessors()));
    for (String key : List.of("OMP_NUM_THREADS", "OMP_WAIT_POLICY", "MKL_NUM_THREADS",
        "MXNET_ENGINE_TYPE", "MXNET_CPU_WORKER_NTHREADS", "MXNET_MKLDNN_ENABLED",
        "MXNET_MKLDNN_CACHE_NUM", "MXNET_SUBGRAPH_BACKEND")) {
      // as the engine sees it: DjlDefaults may have set it after the JVM started
      String v = DjlDefaults.processEnv(key);
      env.put(key, v == null ? "(unset)" : v);
    }
    for (String key : List.of("ai.djl.pytorch.num_threads", "ai.djl.pytorch.num_interop_threads")) {
      String v = System.getProperty(key);
      if (v != null) {
        env.put(key, v);
      }
    }
    return env;
  }

  private static long processCpuNanos() {
    if (java.lang.management.ManagementFactory.getOperatingSystemMXBean()
        instanceof com.sun.management.OperatingSystemMXBean os) {
      return os.getProcessCpuTime();
    }
    return 0;
  }

  private interface Batch {
    void run() throws TranslateException;
  }

  private static double[] time(Options options, Batch batch) {
    try {
      for (int i = 0; i < options.warmup(); i++) {
        batch.run();
      }
      double[] ms = new double[options.repeats()];
      for (int i = 0; i < ms.length; i++) {
        long t0 = System.nanoTime();
        batch.run();
        ms[i] = (System.nanoTime() - t0) / 1e6;
      }
      return ms;
    } catch (TranslateException e) {
      throw new InferenceException("benchmark batch failed: " + e.getMessage(), e);
    }
  }

  /** The median of {@code values} (the mean of the middle two for an even count). */
  public static double median(double[] values) {
    double[] v = values.clone();
    Arrays.sort(v);
    int n = v.length;
    return n % 2 == 1 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
  }

  private static List<GrayImage> randomImages(int n, int size) {
    Random random = new Random(n);
    List<GrayImage> out = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      float[] px = new float[size * size];
      for (int j = 0; j < px.length; j++) {
        px[j] = random.nextFloat();
      }
      out.add(new GrayImage(size, size, px));
    }
    return out;
  }
}
