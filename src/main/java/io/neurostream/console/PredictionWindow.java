package io.neurostream.console;

import io.neurostream.avro.Prediction;
import io.neurostream.kafka.Topics;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerRecord;

/**
 * The most recent predictions of {@link Topics#PREDICTIONS} ({@code read_committed}): at start the
 * tail of each partition, then everything new, keeping the newest {@code kept}. Feeds the series
 * page and the overview's predictions per second and end-to-end latency (predictedAt minus the
 * scan record's timestamp, the classifier's own definition).
 */
final class PredictionWindow implements AutoCloseable {

  static final long WINDOW_MS = 10_000;

  /** One prediction as the pages show it. */
  record PredictionView(String scanId, String seriesUid, String studyUid, String patientKey,
      String predicted, List<Float> probabilities, String modelVersion, long scanTimestamp,
      long predictedAt, int batchSize, int partition, long offset, Integer scanPartition,
      Long scanOffset) {

    static PredictionView of(ConsumerRecord<?, ?> r, Prediction p) {
      return new PredictionView(p.getIdentity().getSopInstanceUid(),
          p.getIdentity().getSeriesInstanceUid(), p.getIdentity().getStudyInstanceUid(),
          p.getIdentity().getPatientKey(), p.getPredicted().name(),
          List.copyOf(p.getProbabilities()), p.getModelVersion(),
          p.getScanTimestamp().toEpochMilli(), p.getPredictedAt().toEpochMilli(),
          p.getBatchSize(), r.partition(), r.offset(), p.getScanPartition(), p.getScanOffset());
    }
  }

  private final int kept;
  private final Runnable onChange;
  private final Deque<PredictionView> recent = new ArrayDeque<>();
  private final RateWindow rate = new RateWindow(WINDOW_MS, 20_000);
  /** Read in the current poll, not yet in {@link #recent} (the tail's thread only). */
  private final List<PredictionView> read = new ArrayList<>();
  private final TopicTail<Prediction> tail;

  PredictionWindow(Map<String, Object> client, Map<String, ?> serde, int kept, Runnable onChange) {
    this.kept = kept;
    this.onChange = onChange;
    this.tail = new TopicTail<>(Topics.PREDICTIONS.name(), client,
        Topics.PREDICTIONS.valueSerde(serde).deserializer(), kept, this::read, this::flush);
  }

  PredictionWindow start() {
    tail.start();
    return this;
  }

  /** The kept predictions, newest first. */
  synchronized List<PredictionView> recent() {
    List<PredictionView> out = new ArrayList<>(recent);
    java.util.Collections.reverse(out);
    return out;
  }

  RateWindow rate() {
    return rate;
  }

  RuntimeException failure() {
    return tail.failure();
  }

  private void read(ConsumerRecord<String, byte[]> r, Prediction p) {
    PredictionView v = PredictionView.of(r, p);
    read.add(v);
    rate.record(v.predictedAt(), v.predictedAt() - v.scanTimestamp());
  }

  private void flush() {
    synchronized (this) {
      read.forEach(recent::addLast);
      while (recent.size() > kept) {
        recent.removeFirst();
      }
    }
    read.clear();
    onChange.run();
  }

  @Override
  public void close() {
    tail.close();
  }
}
