package io.neurostream.cli;

import io.neurostream.bench.EngineBenchmark;
import io.neurostream.bench.ExplainCostBenchmark;
import io.neurostream.model.BundleMetadata;
import io.neurostream.model.ComputeDevice;
import io.neurostream.model.DjlDefaults;
import io.neurostream.model.ModelBundle;
import io.neurostream.model.ModelSpec;
import io.neurostream.model.Normalization;
import io.neurostream.model.ScanClassifierModel;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code neurostream bench explain}: the classifier's throughput with and without Grad-CAM. */
@Command(
    name = "explain",
    mixinStandardHelpOptions = true,
    description = {
      "Measure what Grad-CAM explanations cost the classifier: the same backlog of 16-slice "
          + "series drained with explain.mode=off and =verdict (three maps per series), "
          + "alternating in one warm process; medians and process CPU time."
    })
public final class BenchExplainCommand implements Callable<Integer> {

  @Option(names = "--model", paramLabel = "BUNDLE",
      description = "Bundle to serve; default: random weights of --depth at --size.")
  Path model;

  @Option(names = "--depth", defaultValue = "18", description = "ResNet depth (default ${DEFAULT-VALUE}).")
  int depth;

  @Option(names = "--size", defaultValue = "128", description = "Input size in px (default ${DEFAULT-VALUE}).")
  int size;

  @Option(names = "--series", defaultValue = "10",
      description = "16-slice series in each backlog (default ${DEFAULT-VALUE}).")
  int series;

  @Option(names = "--repeats", defaultValue = "3",
      description = "Drains of each mode; medians are reported (default ${DEFAULT-VALUE}).")
  int repeats;

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Override
  public Integer call() throws Exception {
    DjlDefaults.apply();
    PrintWriter err = spec.commandLine().getErr();
    Path work = Files.createTempDirectory("neurostream-bench-explain");
    Path bundle = model;
    if (bundle == null) {
      ModelSpec modelSpec = ModelSpec.builder().optDepth(depth).optInputSize(size).build();
      bundle = work.resolve("bench.bundle");
      try (ScanClassifierModel m = ScanClassifierModel.create(modelSpec, Normalization.DEFAULT,
          ComputeDevice.resolve("auto"))) {
        ModelBundle.write(m, BundleMetadata.of(m, "bench-explain-" + modelSpec.architecture(),
            null, Map.of(), Map.of("purpose", "bench explain")), bundle);
      }
    }
    ExplainCostBenchmark.Result r = ExplainCostBenchmark.run(new ExplainCostBenchmark.Options(
        bundle, series, repeats, work), line -> {
          err.println("  " + line);
          err.flush();
        });
    PrintWriter out = spec.commandLine().getOut();
    out.printf(Locale.ROOT, "explain.mode=off      %7.1f scans/s (median of %d; CPU %.1f s per "
            + "drain)%n", EngineBenchmark.median(r.off()), repeats, EngineBenchmark.median(r.offCpu()));
    out.printf(Locale.ROOT, "explain.mode=verdict  %7.1f scans/s (median of %d; CPU %.1f s per "
            + "drain)%n", EngineBenchmark.median(r.on()), repeats, EngineBenchmark.median(r.onCpu()));
    out.printf(Locale.ROOT, "throughput drop       %7.1f %% (target <= 10 %%); %d explanations%n",
        100 * r.drop(), r.explanations());
    out.flush();
    return 0;
  }
}
