package io.neurostream.cli;

import io.neurostream.model.DjlDefaults;
import io.neurostream.bench.EngineBenchmark;
import io.neurostream.model.ModelSpec;
import io.neurostream.model.engine.ServingOptions;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code neurostream bench engine}: inference speed of the classifier network on this machine. */
@Command(
    name = "engine",
    mixinStandardHelpOptions = true,
    description = {
      "Time ResNet inference (the seed's ResNet50 at 128 px by default): per batch size, warm-up",
      "batches excluded, median latency of the timed batches and the images/s it implies.",
      "The images go through the classifier's path: a bundle loaded and warmed up as the",
      "classifier loads it, BatchPredictor (preprocessing, serving path, softmax) on a thread of",
      "its own. Reports process CPU ms per image and cores busy (CPU / wall) of the timed batches.",
      "Engine settings come from the environment (OMP_NUM_THREADS, MXNET_ENGINE_TYPE, ...)."
    })
public final class BenchEngineCommand implements Callable<Integer> {

  @Option(names = "--batch-sizes", split = ",", defaultValue = "1,8,32", description = "Batch sizes (default: ${DEFAULT-VALUE}).")
  List<Integer> batchSizes;

  @Option(names = "--image-size", defaultValue = "128", description = "Input size in pixels (default: ${DEFAULT-VALUE}).")
  int imageSize;

  @Option(names = "--depth", defaultValue = "50", description = "ResNet depth (default: ${DEFAULT-VALUE}).")
  int depth;

  @Option(names = "--channels", defaultValue = "3", description = "Input channels (default: ${DEFAULT-VALUE}).")
  int channels;

  @Option(names = "--repeats", defaultValue = "10", description = "Timed batches per batch size (default: ${DEFAULT-VALUE}).")
  int repeats;

  @Option(names = "--warmup", defaultValue = "3", description = "Untimed warm-up batches per batch size (default: ${DEFAULT-VALUE}).")
  int warmup;

  @Option(names = "--device", defaultValue = "auto", description = "auto, cpu, gpu0, ... (default: ${DEFAULT-VALUE}).")
  String device;

  @Option(names = "--forward",
      description = "Also time the imperative network alone on a ready tensor (no preprocessing,"
          + " softmax or serving path), comparable with a plain PyTorch model(x).")
  boolean forward;

  @Option(names = "--graph", defaultValue = "auto",
      description = "Forward path: auto (the engine's compiled graph where it exists and agrees"
          + " with the network), imperative or compiled (default: ${DEFAULT-VALUE}).")
  String graph;

  @Option(names = "--workers", defaultValue = "0",
      description = "Data-parallel inference workers; 0 = the engine's default (default:"
          + " ${DEFAULT-VALUE}).")
  int workers;

  @Option(names = "--model", paramLabel = "BUNDLE",
      description = "Bundle to serve; default: random weights of --depth at --image-size.")
  Path model;

  @Override
  public Integer call() {
    DjlDefaults.apply();
    ModelSpec spec = ModelSpec.builder().optDepth(depth).optInputSize(imageSize).optChannels(channels).build();
    ServingOptions serving = new ServingOptions(ServingOptions.Graph.parse(graph), workers);
    EngineBenchmark.Options options = new EngineBenchmark.Options(spec, batchSizes, repeats, warmup,
        device, forward, serving, model);
    EngineBenchmark.Result result = EngineBenchmark.run(options, System.err::println);
    System.out.println("# " + (model == null ? spec.architecture() + " input " + spec.inputShape()
        + " (random weights)" : "bundle " + model) + ", warm-up " + warmup + ", median of "
        + repeats + " batches, through the classifier's BatchPredictor path");
    System.out.println("# serving path: " + result.servingPath());
    for (Map.Entry<String, String> e : EngineBenchmark.environment().entrySet()) {
      System.out.println("# " + e.getKey() + "=" + e.getValue());
    }
    System.out.println(String.format(Locale.ROOT, "%6s %12s %10s %10s %12s %12s %12s %14s",
        "batch", "median_ms", "min_ms", "max_ms", "img_per_s", "cpu_ms_img", "cores_busy",
        "fwd_img_per_s"));
    for (EngineBenchmark.Row r : result.rows()) {
      System.out.println(String.format(Locale.ROOT, "%6d %12.2f %10.2f %10.2f %12.2f %12.2f %12.2f %14.2f",
          r.batchSize(), r.medianMs(), r.minMs(), r.maxMs(), r.imagesPerSecond(), r.cpuMsPerImage(),
          r.coresBusy(), r.forwardImagesPerSecond()));
    }
    return 0;
  }
}
