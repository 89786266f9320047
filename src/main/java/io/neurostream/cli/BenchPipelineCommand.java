package io.neurostream.cli;

import io.neurostream.bench.PipelineBenchmark;
import io.neurostream.model.DjlDefaults;
import io.neurostream.bench.EngineBenchmark;
import io.neurostream.model.ModelBundle;
import io.neurostream.ops.Directories;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code neurostream bench pipeline}: end-to-end scans/s through the embedded broker against the
 * same engine's raw batched throughput, in the same run, and latency at half the maximum rate.
 */
@Command(
    name = "pipeline",
    mixinStandardHelpOptions = true,
    description = {
      "Measure the streaming classifier on an embedded broker and registry against its own "
          + "engine, in one run: raw batched inference (scans/s), the full exactly-once pipeline "
          + "draining a backlog (scans/s), and end-to-end latency p50/p99 with scans arriving at "
          + "half the pipeline's rate."
    })
public final class BenchPipelineCommand implements Callable<Integer> {

  @Mixin BenchModelOptions model;

  @Option(names = "--depth", defaultValue = "50", description = "ResNet depth (default ${DEFAULT-VALUE}).")
  int depth;

  @Option(names = "--scans", defaultValue = "320",
      description = "Scans in each throughput measurement (default ${DEFAULT-VALUE}).")
  int scans;

  @Option(names = "--latency-scans", defaultValue = "160",
      description = "Scans in the latency run (default ${DEFAULT-VALUE}).")
  int latencyScans;

  @Option(names = "--batch", defaultValue = "32", description = "batch.max.size (default ${DEFAULT-VALUE}).")
  int batch;

  @Option(names = "--threads", defaultValue = "1",
      description = "num.stream.threads (default ${DEFAULT-VALUE}).")
  int threads;

  @Option(names = "--repeats", defaultValue = "3",
      description = "Measurements of raw and of pipeline throughput; medians are reported"
          + " (default ${DEFAULT-VALUE}).")
  int repeats;

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Override
  public Integer call() throws Exception {
    DjlDefaults.apply();
    PrintWriter err = spec.commandLine().getErr();
    Path work = Files.createTempDirectory("neurostream-bench-pipeline");
    try {
      Path bundle = model.bundle(depth, work, spec -> "bench-" + spec.architecture() + "-" + spec.inputSize(),
          "bench pipeline");
      String architecture;
      if (model.model == null) {
        architecture = model.spec(depth).architecture() + " @" + model.size + "px (random weights)";
      } else {
        var meta = ModelBundle.open(bundle).metadata();
        architecture = meta.architecture() + " @" + meta.inputShape();
      }
      err.println("bench pipeline: " + architecture + ", " + scans + " scans, batch " + batch
          + ", " + threads + " stream thread(s)");
      err.flush();
      PipelineBenchmark.Result r = PipelineBenchmark.run(new PipelineBenchmark.Options(
          bundle, scans, latencyScans, batch, threads, repeats, work), BenchProgress.to(err));
      PrintWriter out = spec.commandLine().getOut();
      EngineBenchmark.environment().forEach((k, v) -> out.printf("%-28s %s%n", k, v));
      out.printf("%-28s %s%n", "model", architecture);
      out.printf(Locale.ROOT, "%-28s %8.1f scans/s  (median of %s)%n", "raw batched inference",
          r.rawScansPerSecond(), figures(r.raw()));
      out.printf(Locale.ROOT, "%-28s %8.1f scans/s  (median of %s; mean batch %.1f)%n",
          "pipeline (Kafka, EOS v2)", r.pipelineScansPerSecond(), figures(r.pipeline()),
          r.meanBatch());
      out.printf(Locale.ROOT, "%-28s %8.2f%n", "pipeline / raw", r.ratio());
      out.printf(Locale.ROOT, "%-28s raw %.2f, pipeline %.2f  (medians; process CPU / wall;"
          + " pipeline %s)%n", "cores busy", EngineBenchmark.median(r.rawCores()),
          EngineBenchmark.median(r.pipelineCores()), figures(r.pipelineCores()));
      out.printf(Locale.ROOT, "%-28s p50 %.0f ms, p99 %.0f ms at %.1f scans/s%n",
          "end-to-end latency", r.p50Ms(), r.p99Ms(), r.latencyRate());
      out.flush();
      return 0;
    } finally {
      Directories.deleteQuietly(work);
    }
  }

  private static String figures(double[] values) {
    return java.util.Arrays.stream(values)
        .mapToObj(v -> String.format(Locale.ROOT, "%.1f", v))
        .collect(java.util.stream.Collectors.joining(", "));
  }
}
