package io.neurostream.bench;

import io.neurostream.classifier.BundleModelLoader;
import io.neurostream.classifier.BundleScanModel;
import io.neurostream.model.BundleMetadata;
import io.neurostream.model.ModelBundle;
import io.neurostream.model.engine.ServingOptions;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
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
 * Measures inference speed as the classifier infers: a model bundle (random weights of the spec,
 * or the one given) is loaded and warmed up by the classifier's own {@link BundleModelLoader},
 * and each batch goes through {@link BundleScanModel#predict} (the {@link
 * io.neurostream.model.BatchPredictor} path: preprocessing, the serving path the engine chose,
 * softmax) on a thread of its own, as a stream thread calls it. For each batch size: warm-up
 * batches (not timed), then timed batches; reports the median latency, the images per second it
 * implies, and over the timed batches the process CPU time per image and the cores kept busy
 * (CPU time over wall time). Optionally also the imperative network alone on a ready tensor
 * ({@code forward}, comparable with a plain PyTorch {@code model(x)}).
 *
 * <p>It used to time a model built in the benchmark's process, through a DJL predictor opened
 * beside a raw one, and measured 58–63 images/s where {@code bench pipeline}'s raw pass measured
 * 87 over the same network: the two no longer time different things (docs/benchmarks.md).
 */
public final class EngineBenchmark {

  private EngineBenchmark() {}

  /**
   * What to measure.
   *
   * @param spec the network (the seed's ResNet50 at 128 px by default); ignored with a bundle
   * @param batchSizes batch sizes to time
   * @param repeats timed batches per batch size (the median is reported)
   * @param warmup untimed batches per batch size before timing
   * @param device device name ({@code auto}, {@code cpu}, ...)
   * @param forward also time the imperative network alone on a ready tensor
   * @param serving the serving path and workers, as the classifier would take them
   * @param bundle a model bundle to serve, or null for random weights of {@code spec}
   */
  public record Options(ModelSpec spec, List<Integer> batchSizes, int repeats, int warmup,
      String device, boolean forward, ServingOptions serving, Path bundle) {
    public Options {
      if (repeats < 1 || warmup < 0) {
        throw new IllegalArgumentException("repeats must be >= 1 and warm-up >= 0");
      }
    }

    /** Random weights of {@code spec}, served as configured ({@link ServingOptions#defaults()}). */
    public Options(ModelSpec spec, List<Integer> batchSizes, int repeats, int warmup, String device,
        boolean forward) {
      this(spec, batchSizes, repeats, warmup, device, forward, ServingOptions.defaults(), null);
    }
  }

  /**
   * One batch size's figures; latencies in milliseconds per batch.
   *
   * @param batchSize images per batch
   * @param medianMs median latency of the classifier's path
   * @param minMs fastest batch
   * @param maxMs slowest batch
   * @param imagesPerSecond {@code batchSize / median}
   * @param cpuMsPerImage process CPU time per image over the timed batches: what an image costs in
   *     core-milliseconds, which other load on a shared machine hardly changes
   * @param coresBusy process CPU time over wall time of the timed batches
   * @param forwardImagesPerSecond images/s of the imperative network alone, or NaN
   */
  public record Row(int batchSize, double medianMs, double minMs, double maxMs,
      double imagesPerSecond, double cpuMsPerImage, double coresBusy,
      double forwardImagesPerSecond) {}

  /** The rows, and which serving path produced them. */
  public record Result(String servingPath, List<Row> rows) {}

  /** Runs the benchmark; {@code progress} receives one line per finished batch size. */
  public static Result run(Options options, Consumer<String> progress) {
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

  /**
   * Writes a bundle of {@code spec} with random weights to {@code file}, for measurements that need
   * no trained model; returns {@code file}.
   *
   * @param name the bundle's version
   * @param purpose why it was made, kept in its metadata
   */
  public static Path randomBundle(ModelSpec spec, Device device, String name, String purpose, Path file) {
    try (ScanClassifierModel m = ScanClassifierModel.create(spec, Normalization.DEFAULT, device)) {
      ModelBundle.write(m, BundleMetadata.of(m, name, null, Map.of(), Map.of("purpose", purpose)), file);
    }
    return file;
  }

  private static Result measure(Options options, Consumer<String> progress) throws IOException {
    DjlDefaults.apply();
    // the device first: resolving it starts the engine quietly (see DjlDefaults), then the seed
    Device device = ComputeDevice.resolve(options.device());
    Engine.getInstance().setRandomSeed(1);
    Path work = Files.createTempDirectory("neurostream-bench-engine");
    try {
      Path bundle = options.bundle();
      if (bundle == null) {
        bundle = work.resolve("bench.bundle");
        randomBundle(options.spec(), device, "bench-" + options.spec().architecture(), "bench engine",
            bundle);
      }
      int largest = options.batchSizes().stream().mapToInt(Integer::intValue).max().orElse(1);
      List<Row> rows = new ArrayList<>();
      String path;
      try (BundleScanModel model = new BundleModelLoader(device, largest, options.serving())
          .load(bundle)) {
        path = model.servingPath();
        progress.accept("serving path: " + path);
        for (int batch : options.batchSizes()) {
          List<GrayImage> images = randomImages(batch, model.inputSize());
          Timing t = time(options, () -> model.predict(images));
          double[] ms = t.ms();
          double median = median(ms);
          double forward = options.forward() ? forward(model.model(), batch, options) : Double.NaN;
          Row row = new Row(batch, median, Arrays.stream(ms).min().orElse(0),
              Arrays.stream(ms).max().orElse(0), batch * 1000.0 / median,
              t.cpuMs() / (options.repeats() * batch), t.cpuMs() / t.wallMs(), forward);
          rows.add(row);
          progress.accept(String.format(Locale.ROOT, "batch %d: median %.1f ms (%.1f img/s,"
              + " %.2f cores busy)", batch, median, row.imagesPerSecond(), row.coresBusy()));
        }
      }
      return new Result(path, rows);
    } finally {
      try (var walk = Files.walk(work)) {
        walk.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
      }
    }
  }

  /** The imperative network alone on a ready random tensor, images/s (median). */
  private static double forward(ScanClassifierModel model, int batch, Options options) {
    float[] values = new float[batch * new ScanPreprocessor(model.spec(), Normalization.DEFAULT)
        .valuesPerImage()];
    Random random = new Random(batch);
    for (int i = 0; i < values.length; i++) {
      values[i] = (float) random.nextGaussian();
    }
    Shape shape = model.network().inputShape(batch);
    try (Predictor<NDList, NDList> raw = model.model().newPredictor(new NoopTranslator())) {
      double[] ms = time(options, () -> {
        try (NDManager sub = model.model().getNDManager().newSubManager()) {
          NDList out = raw.predict(new NDList(sub.create(FloatBuffer.wrap(values), shape)));
          // MXNet runs asynchronously: reading the result waits for the computation
          out.singletonOrThrow().toFloatArray();
        }
      }).ms();
      return batch * 1000.0 / median(ms);
    }
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
        "MXNET_MKLDNN_CACHE_NUM", "MXNET_SUBGRAPH_BACKEND", "OMP_PROC_BIND", "GOMP_SPINCOUNT")) {
      // as the engine sees it: DjlDefaults may have set it after the JVM started
      String v = DjlDefaults.processEnv(key);
      env.put(key, v == null ? "(unset)" : v);
    }
    for (String key : List.of("ai.djl.pytorch.num_threads", "ai.djl.pytorch.num_interop_threads",
        ServingOptions.GRAPH_PROPERTY, ServingOptions.WORKERS_PROPERTY)) {
      String v = System.getProperty(key);
      if (v != null) {
        env.put(key, v);
      }
    }
    return env;
  }

  /** CPU time of this process so far, in nanoseconds (0 where the JVM cannot tell). */
  public static long processCpuNanos() {
    if (java.lang.management.ManagementFactory.getOperatingSystemMXBean()
        instanceof com.sun.management.OperatingSystemMXBean os) {
      return os.getProcessCpuTime();
    }
    return 0;
  }

  private interface Batch {
    void run() throws TranslateException;
  }

  /** Milliseconds of each timed batch, and process CPU and wall time over all of them. */
  private record Timing(double[] ms, double cpuMs, double wallMs) {}

  private static Timing time(Options options, Batch batch) {
    try {
      for (int i = 0; i < options.warmup(); i++) {
        batch.run();
      }
      double[] ms = new double[options.repeats()];
      long cpu0 = processCpuNanos();
      long wall0 = System.nanoTime();
      for (int i = 0; i < ms.length; i++) {
        long t0 = System.nanoTime();
        batch.run();
        ms[i] = (System.nanoTime() - t0) / 1e6;
      }
      return new Timing(ms, (processCpuNanos() - cpu0) / 1e6, (System.nanoTime() - wall0) / 1e6);
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
