package io.neurostream.training;

import java.io.PrintStream;
import java.util.Locale;

/**
 * A one-line progress bar with rate and ETA, redrawn in place on a terminal (stderr) at most every
 * 250 ms. Without a terminal (a log file under nohup) it prints a plain line every 30 s instead, so
 * logs stay readable. A null stream makes it silent.
 */
public final class ProgressBar {

  private static final int WIDTH = 24;
  private static final long REDRAW_NANOS = 250_000_000L;
  private static final long LOG_LINE_NANOS = 30_000_000_000L;
  private static final boolean TERMINAL = System.console() != null;

  private final PrintStream out;
  private final String label;
  private final long total;
  private final String unit;
  private final long start = System.nanoTime();
  private long lastDraw;
  private int lastLength;

  /**
   * @param out where to draw, or null
   * @param label what is progressing, e.g. "epoch 3/20"
   * @param total units of work
   * @param unit what a unit is, for the rate ("img")
   */
  public ProgressBar(PrintStream out, String label, long total, String unit) {
    this.out = out;
    this.label = label;
    this.total = Math.max(1, total);
    this.unit = unit;
  }

  /** Shows {@code done} of the total, with {@code detail} (e.g. "loss 0.81 acc 0.62"). */
  public void update(long done, String detail) {
    if (out == null) {
      return;
    }
    long now = System.nanoTime();
    if (lastDraw == 0) {
      lastDraw = start;
    }
    if (done < total && now - lastDraw < (TERMINAL ? REDRAW_NANOS : LOG_LINE_NANOS)) {
      return;
    }
    if (!TERMINAL && done >= total) {
      return;
    }
    lastDraw = now;
    double seconds = (now - start) / 1e9;
    double rate = done / Math.max(1e-9, seconds);
    double eta = rate > 0 ? (total - done) / rate : Double.NaN;
    int filled = (int) (WIDTH * Math.min(1.0, (double) done / total));
    String bar = "=".repeat(filled) + (filled < WIDTH ? ">" + " ".repeat(WIDTH - filled - 1) : "");
    String line = String.format(Locale.ROOT, "%s [%s] %d/%d %s  %.1f %s/s  ETA %s",
        label, bar, done, total, detail, rate, unit, duration(eta));
    draw(line);
  }

  /** Replaces the bar with a final line and ends it. */
  public void finish(String summary) {
    if (out == null) {
      return;
    }
    double seconds = (System.nanoTime() - start) / 1e9;
    draw(String.format(Locale.ROOT, "%s %s (%s)", label, summary, duration(seconds)));
    if (TERMINAL) {
      out.println();
    }
    out.flush();
  }

  private void draw(String line) {
    if (!TERMINAL) {
      out.println(line);
      return;
    }
    int pad = Math.max(0, lastLength - line.length());
    out.print("\r" + line + " ".repeat(pad));
    out.flush();
    lastLength = line.length();
  }

  /** {@code 1h02m}, {@code 3m05s} or {@code 12s}. */
  static String duration(double seconds) {
    if (Double.isNaN(seconds) || Double.isInfinite(seconds)) {
      return "?";
    }
    long s = Math.round(seconds);
    if (s >= 3600) {
      return String.format(Locale.ROOT, "%dh%02dm", s / 3600, (s % 3600) / 60);
    }
    if (s >= 60) {
      return String.format(Locale.ROOT, "%dm%02ds", s / 60, s % 60);
    }
    return s + "s";
  }
}
