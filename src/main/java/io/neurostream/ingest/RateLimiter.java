package io.neurostream.ingest;

/** Paces a loop to at most {@code perSecond} iterations a second (0 means no limit). */
public final class RateLimiter {

  private final double perSecond;
  private final long startNanos = System.nanoTime();
  private long count;

  public RateLimiter(double perSecond) {
    this.perSecond = perSecond;
  }

  /** Blocks until the next iteration is due. */
  public void acquire() throws InterruptedException {
    if (perSecond <= 0) {
      return;
    }
    long due = startNanos + (long) (count++ * 1e9 / perSecond);
    long wait = due - System.nanoTime();
    if (wait > 0) {
      Thread.sleep(wait / 1_000_000, (int) (wait % 1_000_000));
    }
  }
}
