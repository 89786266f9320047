package io.neurostream.cli;

import io.neurostream.bench.EngineBenchmark;
import io.neurostream.model.ComputeDevice;
import io.neurostream.model.ModelSpec;
import java.nio.file.Path;
import picocli.CommandLine.Option;

/**
 * The model a bench command measures (a picocli mixin): {@code --model BUNDLE}, or random weights
 * of the command's {@code --depth} (its default differs per command) at {@code --size}.
 */
public final class BenchModelOptions {

  @Option(names = "--model", paramLabel = "BUNDLE",
      description = "Bundle to serve; default: random weights of --depth at --size.")
  Path model;

  @Option(names = "--size", defaultValue = "128", description = "Input size in px (default ${DEFAULT-VALUE}).")
  int size;

  /** The spec of the random-weights model of {@code depth}. */
  ModelSpec spec(int depth) {
    return ModelSpec.builder().optDepth(depth).optInputSize(size).build();
  }

  /**
   * The bundle to measure: {@code --model}, or a new one with random weights written into
   * {@code work}, versioned {@code name} (given the spec).
   */
  Path bundle(int depth, Path work, java.util.function.Function<ModelSpec, String> name, String purpose) {
    if (model != null) {
      return model;
    }
    ModelSpec spec = spec(depth);
    return EngineBenchmark.randomBundle(spec, ComputeDevice.resolve("auto"), name.apply(spec), purpose,
        work.resolve("bench.bundle"));
  }
}
