package io.neurostream.ops;

import java.time.Duration;
import java.util.Objects;
import java.util.function.BooleanSupplier;
import java.util.function.Predicate;
import java.util.function.Supplier;

/**
 * Polling with a deadline, for production code that must wait for something another thread or
 * process does (a release read, a stream started, outcomes drained). One place for the loop, the
 * clock and the pause, so callers state only what they wait for and how long. Tests use
 * Awaitility instead.
 */
public final class Waiting {

  /** The pause between two looks unless a caller names another. */
  public static final Duration DEFAULT_POLL = Duration.ofMillis(100);

  private Waiting() {}

  /**
   * Looks at {@code condition} every {@code poll} until it holds or {@code timeout} has passed.
   * The condition may throw to end the wait early (e.g. when what it waits for has failed).
   *
   * @return true when the condition held, false when the timeout passed first
   */
  public static boolean until(BooleanSupplier condition, Duration timeout, Duration poll)
      throws InterruptedException {
    Objects.requireNonNull(condition, "condition");
    long deadline = System.nanoTime() + timeout.toNanos();
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() - deadline >= 0) {
        return false;
      }
      pause(poll);
    }
    return true;
  }

  /** {@link #until(BooleanSupplier, Duration, Duration)} with the {@link #DEFAULT_POLL}. */
  public static boolean until(BooleanSupplier condition, Duration timeout) throws InterruptedException {
    return until(condition, timeout, DEFAULT_POLL);
  }

  /**
   * Waits while something makes progress: observes a value every {@code poll} until {@code done}
   * accepts it, or until it has not changed for {@code quiet} (stalled). Unlike a fixed deadline,
   * a slow but steady drain is waited for as long as it moves.
   *
   * @param observe reads the current value (may do the work of reading, e.g. check a watcher)
   * @return true when done, false when the value stalled for {@code quiet}
   */
  public static <T> boolean whileProgressing(Supplier<T> observe, Predicate<? super T> done, Duration quiet,
      Duration poll) throws InterruptedException {
    T last = null;
    boolean first = true;
    long lastChange = System.nanoTime();
    while (true) {
      T now = observe.get();
      if (done.test(now)) {
        return true;
      }
      if (first || !Objects.equals(now, last)) {
        first = false;
        last = now;
        lastChange = System.nanoTime();
      } else if (System.nanoTime() - lastChange > quiet.toNanos()) {
        return false;
      }
      pause(poll);
    }
  }

  private static void pause(Duration poll) throws InterruptedException {
    Thread.sleep(Math.max(1, poll.toMillis()));
  }
}
