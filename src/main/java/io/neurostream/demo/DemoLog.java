package io.neurostream.demo;

import java.io.FileOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

/**
 * Keeps the demo's console readable: while it runs, the process's standard error (where every
 * service logs and where training prints its epochs) goes to {@code demo.log} in the work dir, and
 * the demo writes its own progress to the real console. Verbose mode sends everything to both.
 */
final class DemoLog implements AutoCloseable {

  private final PrintStream console;
  private final PrintStream file;
  private final Path path;

  private DemoLog(PrintStream console, PrintStream file, Path path) {
    this.console = console;
    this.file = file;
    this.path = path;
  }

  /** Redirects {@code System.err} into {@code file} (and keeps it on the console if verbose). */
  static DemoLog capture(Path file, boolean verbose) {
    PrintStream console = System.err;
    PrintStream log;
    try {
      log = new PrintStream(new FileOutputStream(file.toFile(), true), true, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write the demo log " + file + ": " + e.getMessage()
          + "; check that the work dir is writable", e);
    }
    System.setErr(verbose ? new PrintStream(new Tee(console, log), true, StandardCharsets.UTF_8) : log);
    return new DemoLog(console, log, file);
  }

  /** The console the demo's own lines go to. */
  PrintStream console() {
    return console;
  }

  /** The log file. */
  Path path() {
    return path;
  }

  /** Writes a line to the log only (e.g. the demo's own progress, for the record). */
  void record(String line) {
    file.println(line);
  }

  @Override
  public void close() {
    System.setErr(console);
    file.flush();
    file.close();
  }

  private static final class Tee extends OutputStream {
    private final OutputStream a;
    private final OutputStream b;

    Tee(OutputStream a, OutputStream b) {
      this.a = a;
      this.b = b;
    }

    @Override
    public void write(int c) throws IOException {
      a.write(c);
      b.write(c);
    }

    @Override
    public void write(byte[] buf, int off, int len) throws IOException {
      a.write(buf, off, len);
      b.write(buf, off, len);
    }

    @Override
    public void flush() throws IOException {
      a.flush();
      b.flush();
    }
  }
}
