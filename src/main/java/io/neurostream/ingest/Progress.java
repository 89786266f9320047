package io.neurostream.ingest;

import java.io.PrintWriter;
import java.util.Locale;

/**
 * A one-line progress bar on stderr: count, percentage, rate and ETA, redrawn at most a few times
 * a second.
 */
public final class Progress {

  private final PrintWriter out;
  private final String label;
  private final long total;
  private final long startNanos = System.nanoTime();
  private long lastDrawNanos;

  public Progress(PrintWriter out, String label, long total) {
    this.out = out;
    this.label = label;
    this.total = total;
  }

  /** Redraws the line for {@code done} items if enough time has passed (or at the end). */
  public void update(long done) {
    long now = System.nanoTime();
    if (done < total && now - lastDrawNanos < 200_000_000L) {
      return;
    }
    lastDrawNanos = now;
    double seconds = Math.max(1e-3, (now - startNanos) / 1e9);
    double rate = done / seconds;
    int width = 30;
    int filled = total == 0 ? width : (int) (width * done / total);
    long eta = rate > 0 ? (long) ((total - done) / rate) : 0;
    out.printf(Locale.ROOT, "\r%s [%s%s] %d/%d %5.1f%% %7.1f/s ETA %02d:%02d", label,
        "#".repeat(filled), " ".repeat(width - filled), done, total,
        total == 0 ? 100.0 : 100.0 * done / total, rate, eta / 60, eta % 60);
    if (done >= total) {
      out.println();
    }
    out.flush();
  }
}
