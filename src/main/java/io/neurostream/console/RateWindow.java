package io.neurostream.console;

import java.util.ArrayDeque;
import java.util.Arrays;
import java.util.Deque;

/**
 * Events per second over a sliding window, by the time each event happened (a prediction's
 * {@code predictedAt}, a dead letter's {@code failedAt}), so history read at start-up does not
 * count as a burst; optionally with a value per event (a latency) whose percentiles it reports.
 * Thread-safe.
 */
final class RateWindow {

  private record Event(long atMillis, double value) {}

  private final long windowMillis;
  private final int maxEvents;
  private final Deque<Event> events = new ArrayDeque<>();
  private long total;

  /**
   * @param windowMillis how far back the rate and the percentiles look
   * @param maxEvents most events kept for percentiles (the rate counts them all)
   */
  RateWindow(long windowMillis, int maxEvents) {
    this.windowMillis = windowMillis;
    this.maxEvents = maxEvents;
  }

  /** Counts one event that happened at {@code atMillis}, with {@code value} (e.g. a latency). */
  synchronized void record(long atMillis, double value) {
    total++;
    long now = System.currentTimeMillis();
    if (now - atMillis > windowMillis) {
      return;
    }
    events.addLast(new Event(atMillis, value));
    while (events.size() > maxEvents) {
      events.removeFirst();
    }
  }

  /** Events counted since start, including those too old for the window. */
  synchronized long total() {
    return total;
  }

  /** Events per second over the window, as of {@code nowMillis}. */
  synchronized double perSecond(long nowMillis) {
    prune(nowMillis);
    return events.size() * 1000.0 / windowMillis;
  }

  /**
   * The {@code q}-quantile (0..1) of the values in the window, or NaN if it is empty (nearest
   * rank).
   */
  synchronized double quantile(double q, long nowMillis) {
    prune(nowMillis);
    if (events.isEmpty()) {
      return Double.NaN;
    }
    double[] v = events.stream().mapToDouble(Event::value).toArray();
    Arrays.sort(v);
    int rank = (int) Math.ceil(q * v.length);
    return v[Math.max(0, Math.min(v.length - 1, rank - 1))];
  }

  private void prune(long nowMillis) {
    // events arrive roughly in time order; one out of order only lingers until its turn
    while (!events.isEmpty() && nowMillis - events.peekFirst().atMillis() > windowMillis) {
      events.removeFirst();
    }
  }
}
