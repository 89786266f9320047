package io.neurostream.classifier;

import io.neurostream.avro.DeadLetter;
import java.time.Duration;
import java.util.ArrayList;
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
 * Collects a partition's scans in a changelogged store until {@code batch.max.size} are waiting or
 * the oldest has waited {@code batch.max.delay.ms} (wall-clock punctuation), then runs one batched
 * inference and forwards one Prediction or DeadLetter per scan, deleting them from the store in
 * the same transaction. Under {@code exactly_once_v2} the store, the outputs and the input offsets
 * commit together, so a crash at any moment neither loses nor duplicates a prediction; whatever a
 * restored store still holds is flushed at the first punctuation after start.
 */
final class BatchingProcessor implements Processor<Long, BufferedScan, Object, Object> {

  private static final Logger LOG = LoggerFactory.getLogger(BatchingProcessor.class);

  private final String storeName;
  private final TopologySettings settings;
  private final BatchInference inference;
  private final ClassifierMetrics metrics;
  private final String predictions;
  private final String deadLetters;

  private ProcessorContext<Object, Object> context;
  private KeyValueStore<Long, BufferedScan> buffer;
  private int buffered;
  private long oldestBufferedAtMs;
  private boolean restoredPending;

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
    // init runs after the store is restored: whatever it holds was buffered, committed and not
    // yet classified before a crash or a rebalance
    try (KeyValueIterator<Long, BufferedScan> it = buffer.all()) {
      while (it.hasNext()) {
        it.next();
        buffered++;
      }
    }
    if (buffered > 0) {
      restoredPending = true;
      LOG.info("task {}: {} buffered scans restored; flushing them at the first punctuation",
          context.taskId(), buffered);
    }
    long tick = Math.max(1, Math.min(settings.batchMaxDelayMs() / 5, 100));
    context.schedule(Duration.ofMillis(tick), PunctuationType.WALL_CLOCK_TIME, this::onTick);
  }

  @Override
  public void process(Record<Long, BufferedScan> record) {
    BufferedScan scan = record.value();
    buffer.put(scan.offset(), scan);
    if (buffered == 0) {
      oldestBufferedAtMs = context.currentSystemTimeMs();
    }
    buffered++;
    if (buffered >= settings.batchMaxSize()) {
      flush();
    }
  }

  private void onTick(long nowMs) {
    if (buffered > 0 && (restoredPending || nowMs - oldestBufferedAtMs >= settings.batchMaxDelayMs())) {
      flush();
    }
  }

  /** Classifies everything buffered, in batches of at most {@code batch.max.size}. */
  private void flush() {
    restoredPending = false;
    while (buffered > 0) {
      List<KeyValue<Long, BufferedScan>> batch = new ArrayList<>(settings.batchMaxSize());
      try (KeyValueIterator<Long, BufferedScan> it = buffer.all()) {
        while (it.hasNext() && batch.size() < settings.batchMaxSize()) {
          batch.add(it.next());
        }
      }
      if (batch.isEmpty()) {
        buffered = 0;
        break;
      }
      long now = context.currentSystemTimeMs();
      List<BatchInference.Outcome> outcomes =
          inference.run(batch.stream().map(kv -> kv.value).toList(), now);
      int predicted = 0;
      for (BatchInference.Outcome outcome : outcomes) {
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
      }
      metrics.predictionsOut(predicted);
      for (KeyValue<Long, BufferedScan> kv : batch) {
        buffer.delete(kv.key);
      }
      buffered -= batch.size();
    }
    buffered = Math.max(0, buffered);
  }
}
