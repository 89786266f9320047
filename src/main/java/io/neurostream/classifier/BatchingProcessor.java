package io.neurostream.classifier;

import io.neurostream.avro.DeadLetter;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.processor.PunctuationType;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Buffers a partition's scans in a changelogged store until its stream thread has
 * {@code batch.max.size} scans waiting (over all the thread's partitions, see {@link ThreadBatch})
 * or this partition's oldest scan has waited {@code batch.max.delay.ms} (wall-clock punctuation),
 * then runs one batched inference and forwards one Prediction or DeadLetter per scan, deleting it
 * from the store in the same transaction.
 *
 * <p>A partial batch whose delay has passed still waits while scans keep reaching the thread (a
 * backlog being read: the delay passed because the thread was busy inferring or committing, not
 * because no scan came), up to {@link #HOLD_FACTOR} times the delay; it runs at the first
 * punctuation after a quiet tick. Draining a backlog thus runs full batches only, where the delay
 * alone fired a partial batch after nearly every commit (mean batch 20–25 of 32); a trickle of
 * scans waits at most one tick longer than the delay.
 *
 * <p>Under {@code exactly_once_v2} the store, the outputs and the input offsets commit together,
 * so a crash at any moment neither loses nor duplicates a prediction: a scan leaves the store only
 * in the transaction that carries its result. Whatever a restored store still holds is classified
 * at the first punctuation after start.
 */
final class BatchingProcessor implements Processor<Long, BufferedScan, Object, Object> {

  private static final Logger LOG = LoggerFactory.getLogger(BatchingProcessor.class);

  private record Waiting(BufferedScan scan, long sinceMs) {}

  /** A partial batch waits for arriving scans at most this many times {@code batch.max.delay.ms}. */
  static final int HOLD_FACTOR = 4;

  private final String storeName;
  private final TopologySettings settings;
  private final BatchInference inference;
  private final ClassifierMetrics metrics;
  private final String predictions;
  private final String deadLetters;

  private ProcessorContext<Object, Object> context;
  private KeyValueStore<Long, BufferedScan> buffer;
  private ThreadBatch batch;
  /** Buffered scans not yet taken into a batch, in offset order. */
  private final Deque<Waiting> waiting = new ArrayDeque<>();
  /** Results of batches run while this task was not the one processing; forwarded next turn. */
  private final List<BatchInference.Outcome> ready = new ArrayList<>();
  private boolean restoredPending;
  private long tickMs;

  BatchingProcessor(String storeName, TopologySettings settings, BatchInference inference,
      ClassifierMetrics metrics, String predictions, String deadLetters) {
    this.storeName = storeName;
    this.settings = settings;
    this.inference = inference;
    this.metrics = metrics;
    this.predictions = predictions;
    this.deadLetters = deadLetters;
  }

  @Override
  public void init(ProcessorContext<Object, Object> context) {
    this.context = context;
    this.buffer = context.getStateStore(storeName);
    this.batch = ThreadBatch.current();
    // init runs after the store is restored: whatever it holds was buffered, committed and not
    // yet classified before a crash or a rebalance
    long now = context.currentSystemTimeMs();
    try (KeyValueIterator<Long, BufferedScan> it = buffer.all()) {
      while (it.hasNext()) {
        KeyValue<Long, BufferedScan> kv = it.next();
        waiting.add(new Waiting(kv.value, now));
      }
    }
    if (!waiting.isEmpty()) {
      restoredPending = true;
      batch.added(this, waiting.size());
      LOG.info("task {}: {} buffered scans restored; classifying them at the first punctuation",
          context.taskId(), waiting.size());
    }
    tickMs = Math.max(1, Math.min(settings.batchMaxDelayMs() / 5, 100));
    context.schedule(Duration.ofMillis(tickMs), PunctuationType.WALL_CLOCK_TIME, this::onTick);
  }

  @Override
  public void process(Record<Long, BufferedScan> record) {
    forwardReady();
    BufferedScan scan = record.value();
    buffer.put(scan.offset(), scan);
    waiting.add(new Waiting(scan, context.currentSystemTimeMs()));
    batch.added(this, 1);
    batch.arrived(context.currentSystemTimeMs());
    if (batch.waiting() >= settings.batchMaxSize()) {
      batch.run(settings.batchMaxSize(), inference, context.currentSystemTimeMs(), false);
      forwardReady();
    }
  }

  private void onTick(long nowMs) {
    forwardReady();
    long waited = waiting.isEmpty() ? -1 : nowMs - waiting.peekFirst().sinceMs();
    boolean expired = waited >= settings.batchMaxDelayMs()
        && (batch.quietFor(tickMs, nowMs) || waited >= HOLD_FACTOR * settings.batchMaxDelayMs());
    if (restoredPending || expired) {
      restoredPending = false;
      batch.run(settings.batchMaxSize(), inference, nowMs, true);
      forwardReady();
    }
  }

  /** When the oldest scan still waiting here arrived; MAX_VALUE when none waits. */
  long oldestWaitingAtMs() {
    return waiting.isEmpty() ? Long.MAX_VALUE : waiting.peekFirst().sinceMs();
  }

  boolean hasWaiting() {
    return !waiting.isEmpty();
  }

  /** Hands up to {@code n} waiting scans, oldest first, to a batch. */
  List<BufferedScan> take(int n) {
    List<BufferedScan> out = new ArrayList<>(Math.min(n, waiting.size()));
    while (out.size() < n && !waiting.isEmpty()) {
      out.add(waiting.pollFirst().scan());
    }
    return out;
  }

  /** Receives the outcomes of scans this task gave to a batch; forwarded in this task's turn. */
  void accept(List<BatchInference.Outcome> outcomes) {
    ready.addAll(outcomes);
  }

  /** Forwards the results this task holds and deletes their scans from the store. */
  private void forwardReady() {
    if (ready.isEmpty()) {
      return;
    }
    long now = context.currentSystemTimeMs();
    int predicted = 0;
    for (BatchInference.Outcome outcome : ready) {
      if (outcome instanceof BatchInference.Predicted p) {
        context.forward(
            new Record<Object, Object>(p.key(), p.prediction(), p.source().timestamp()),
            predictions);
        metrics.endToEnd(now - p.source().timestamp());
        predicted++;
      } else if (outcome instanceof BatchInference.Failed f) {
        DeadLetter letter = DeadLetters.of(f.source(), f.why(), now);
        metrics.deadLetter(f.why().stage().name(), f.why().errorType());
        context.forward(new Record<Object, Object>(f.source().keyText(), letter, now),
            deadLetters);
      }
      buffer.delete(outcome.source().offset());
    }
    metrics.predictionsOut(predicted);
    ready.clear();
  }

  @Override
  public void close() {
    // results not forwarded yet are dropped with the task: their scans are still in the store,
    // committed as buffered, and whoever owns the partition next classifies them
    if (batch != null) {
      batch.removed(this, waiting.size());
    }
    waiting.clear();
    ready.clear();
  }
}
