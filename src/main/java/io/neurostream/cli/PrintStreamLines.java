package io.neurostream.cli;

import java.io.PrintWriter;
import java.util.List;

/** Prints the first lines of a list of problems, and how many more there were. */
final class PrintStreamLines {

  private PrintStreamLines() {}

  static void print(PrintWriter out, List<String> lines, int max) {
    lines.stream().limit(max).forEach(l -> out.println("  skipped " + l));
    if (lines.size() > max) {
      out.println("  ... and " + (lines.size() - max) + " more");
    }
    out.flush();
  }
}
