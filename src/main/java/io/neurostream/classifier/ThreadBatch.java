package io.neurostream.classifier;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.IdentityHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The scans waiting for inference on one stream thread, across all of that thread's tasks.
 *
 * <p>Kafka Streams hands a thread's tasks (partitions) their records round-robin, a few at a time.
 * Batching per task would therefore make batches about {@code 1/partitions} of what the thread
 * sees, and a backlog would be classified in small batches. Batching per thread instead fills a
 * batch from every partition the thread owns. Each scan still belongs to its task: its store
 * entry, its output records and its deletion all happen in its own task's context, which is why
 * a finished batch hands each task its outcomes ({@link BatchingProcessor#accept}) rather than
 * forwarding them for it. A task forwards them at its next record or punctuation, within the same
 * thread, and so within one of the thread's exactly-once transactions.
 *
 * <p>Used from its stream thread only; not thread-safe, by design.
 */
final class ThreadBatch {

  private static final ThreadLocal<ThreadBatch> CURRENT = ThreadLocal.withInitial(ThreadBatch::new);

  private final Set<BatchingProcessor> waiting = new LinkedHashSet<>();
  private int untaken;
  private long lastArrivalMs = Long.MIN_VALUE;

  private ThreadBatch() {}

  /** The batch of the calling stream thread. */
  static ThreadBatch current() {
    return CURRENT.get();
  }

  /** {@code task} has {@code count} more scans waiting. */
  void added(BatchingProcessor task, int count) {
    if (count > 0) {
      waiting.add(task);
      untaken += count;
    }
  }

  /** A scan reached one of this thread's tasks at {@code nowMs} (stream-thread wall clock). */
  void arrived(long nowMs) {
    lastArrivalMs = nowMs;
  }

  /**
   * Whether no scan has reached this thread for {@code quietMs} up to {@code nowMs}: the records
   * the thread had fetched are all processed, so a partial batch would not fill up by waiting.
   */
  boolean quietFor(long quietMs, long nowMs) {
    return lastArrivalMs == Long.MIN_VALUE || nowMs - lastArrivalMs >= quietMs;
  }

  /** {@code task} is closed: its waiting scans no longer count here. */
  void removed(BatchingProcessor task, int count) {
    if (waiting.remove(task)) {
      untaken -= count;
    }
  }

  /** Scans waiting on this thread, over all its tasks. */
  int waiting() {
    return untaken;
  }

  /**
   * Runs batches of at most {@code maxSize} scans, oldest tasks first: while at least a full
   * batch waits, or once if {@code force} (a delay expired) and anything waits.
   */
  void run(int maxSize, BatchInference inference, long nowMs, boolean force) {
    boolean once = force;
    while (untaken >= maxSize || (once && untaken > 0)) {
      once = false;
      List<BufferedScan> scans = new ArrayList<>(maxSize);
      Map<BatchingProcessor, Integer> taken = new IdentityHashMap<>();
      List<BatchingProcessor> byAge = new ArrayList<>(waiting);
      byAge.sort(Comparator.comparingLong(BatchingProcessor::oldestWaitingAtMs));
      for (BatchingProcessor task : byAge) {
        List<BufferedScan> mine = task.take(maxSize - scans.size());
        scans.addAll(mine);
        taken.put(task, mine.size());
        if (!task.hasWaiting()) {
          waiting.remove(task);
        }
        if (scans.size() >= maxSize) {
          break;
        }
      }
      untaken -= scans.size();
      if (scans.isEmpty()) {
        untaken = 0;
        waiting.clear();
        return;
      }
      List<BatchInference.Outcome> outcomes = inference.run(scans, nowMs);
      int from = 0;
      for (BatchingProcessor task : byAge) {
        Integer n = taken.get(task);
        if (n == null) {
          continue;
        }
        task.accept(outcomes.subList(from, from + n));
        from += n;
      }
    }
  }
}
