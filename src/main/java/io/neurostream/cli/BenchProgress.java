package io.neurostream.cli;

import java.io.PrintWriter;
import java.util.function.Consumer;

/** The progress lines of the bench commands: indented on standard error, each flushed at once. */
final class BenchProgress {
  private BenchProgress() {}

  static Consumer<String> to(PrintWriter err) {
    return line -> {
      err.println("  " + line);
      err.flush();
    };
  }
}
