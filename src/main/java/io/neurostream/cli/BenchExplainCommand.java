package io.neurostream.cli;

import io.neurostream.bench.EngineBenchmark;
import io.neurostream.bench.ExplainCostBenchmark;
import io.neurostream.model.DjlDefaults;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
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

  @Mixin BenchModelOptions model;

  @Option(names = "--depth", defaultValue = "18", description = "ResNet depth (default ${DEFAULT-VALUE}).")
  int depth;

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
    Path bundle = model.bundle(depth, work, spec -> "bench-explain-" + spec.architecture(), "bench explain");
    ExplainCostBenchmark.Result r = ExplainCostBenchmark.run(new ExplainCostBenchmark.Options(
        bundle, series, repeats, work), BenchProgress.to(err));
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
