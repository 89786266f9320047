package io.neurostream.verdict;

import io.neurostream.avro.Prediction;
import io.neurostream.avro.SeriesVerdict;
import io.neurostream.avro.SupportingSlice;
import io.neurostream.avro.VerdictClosure;
import io.neurostream.kafka.Topics;
import java.time.Instant;
import io.neurostream.model.SeriesAggregator;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.processor.PunctuationType;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;

/**
 * Folds the predictions of one series (records keyed by series) into its {@link SeriesState} and
 * emits a {@link SeriesVerdict} when the series is complete ({@code COMPLETE}: every expected slice
 * arrived) or has been quiet for the gap ({@code GAP}, checked by a wall-clock punctuation).
 *
 * <p>A slice of a closed series opens it again and leads to a verdict of the next revision; a
 * prediction for a SOP Instance UID already counted (a re-sent instance) only raises the
 * duplicates count. Closed series are kept for the retention, then purged. Three changelogged
 * stores hold everything: the series ({@value VerdictTopology#SERIES_STORE}), the open series
 * with the time of their last new slice ({@value VerdictTopology#OPEN_STORE}) and the closed ones
 * with the time they closed ({@value VerdictTopology#CLOSED_STORE}); under {@code exactly_once_v2}
 * they commit with the verdicts and the input offsets, so a crash neither loses nor double-counts
 * a slice.
 */
final class SeriesVerdictProcessor implements Processor<String, byte[], String, SeriesVerdict> {

  private final VerdictSettings settings;
  private final Deserializer<Prediction> predictions;
  private final VerdictMetrics metrics;
  private ProcessorContext<String, SeriesVerdict> context;
  private KeyValueStore<String, SeriesState> series;
  private KeyValueStore<String, Long> open;
  private KeyValueStore<String, Long> closed;

  SeriesVerdictProcessor(VerdictSettings settings, Deserializer<Prediction> predictions,
      VerdictMetrics metrics) {
    this.settings = settings;
    this.predictions = predictions;
    this.metrics = metrics;
  }

  @Override
  public void init(ProcessorContext<String, SeriesVerdict> context) {
    this.context = context;
    this.series = context.getStateStore(VerdictTopology.SERIES_STORE);
    this.open = context.getStateStore(VerdictTopology.OPEN_STORE);
    this.closed = context.getStateStore(VerdictTopology.CLOSED_STORE);
    context.schedule(settings.gapTick(), PunctuationType.WALL_CLOCK_TIME, this::closeQuiet);
    context.schedule(settings.purgeTick(), PunctuationType.WALL_CLOCK_TIME, this::purge);
  }

  @Override
  public void process(Record<String, byte[]> record) {
    String key = record.key();
    // read once already by the intake, before the repartition
    Prediction p = predictions.deserialize(Topics.PREDICTIONS.name(), record.value());
    long now = context.currentSystemTimeMs();
    SeriesState state = series.get(key);
    if (state == null) {
      state = SeriesState.start(p);
    }
    if (!state.add(p, now)) {
      metrics.duplicate();
      series.put(key, state);
      return;
    }
    metrics.slice();
    if (!state.open) {
      state.reopen();
      closed.delete(key);
      metrics.lateSlice();
    }
    if (state.complete()) {
      emit(key, state, VerdictClosure.COMPLETE, now);
    } else {
      series.put(key, state);
      open.put(key, now);
    }
  }

  private void closeQuiet(long now) {
    List<String> quiet = new ArrayList<>();
    try (KeyValueIterator<String, Long> it = open.all()) {
      while (it.hasNext()) {
        KeyValue<String, Long> kv = it.next();
        if (now - kv.value >= settings.gap().toMillis()) {
          quiet.add(kv.key);
        }
      }
    }
    for (String key : quiet) {
      SeriesState state = series.get(key);
      if (state == null) {
        open.delete(key);
      } else {
        emit(key, state, VerdictClosure.GAP, now);
      }
    }
  }

  private void purge(long now) {
    List<String> expired = new ArrayList<>();
    try (KeyValueIterator<String, Long> it = closed.all()) {
      while (it.hasNext()) {
        KeyValue<String, Long> kv = it.next();
        if (now - kv.value >= settings.retention().toMillis()) {
          expired.add(kv.key);
        }
      }
    }
    for (String key : expired) {
      closed.delete(key);
      series.delete(key);
    }
  }

  private void emit(String key, SeriesState state, VerdictClosure why, long now) {
    int revision = state.close(now);
    series.put(key, state);
    open.delete(key);
    closed.put(key, now);
    SeriesVerdict verdict = verdict(key, state, why, revision, now, settings);
    metrics.verdict(why, revision);
    context.forward(new Record<>(key, verdict, now));
  }

  /** The verdict of a series in its current state. */
  static SeriesVerdict verdict(String key, SeriesState state, VerdictClosure why, int revision,
      long now, VerdictSettings settings) {
    List<float[]> probs = state.slices.values().stream().map(SeriesState.Slice::probabilities)
        .toList();
    SeriesAggregator.Result result = SeriesAggregator.aggregate(probs, settings.aggregation());
    int cls = result.verdict();
    List<SupportingSlice> support = new ArrayList<>();
    List<Map.Entry<String, SeriesState.Slice>> ranked = new ArrayList<>(state.slices.entrySet());
    ranked.sort(Comparator.comparingDouble(
        (Map.Entry<String, SeriesState.Slice> en) -> en.getValue().probabilities()[cls]).reversed());
    for (Map.Entry<String, SeriesState.Slice> e
        : ranked.subList(0, Math.min(settings.supportSlices(), ranked.size()))) {
      support.add(SupportingSlice.newBuilder()
          .setSopInstanceUid(e.getKey())
          .setSliceIndex(e.getValue().index())
          .setProbability(e.getValue().probabilities()[cls])
          .setModelVersion(e.getValue().modelVersion())
          .setScanPartition(e.getValue().scanPartition())
          .setScanOffset(e.getValue().scanOffset())
          .build());
    }
    TreeSet<String> versions = new TreeSet<>();
    long firstScan = Long.MAX_VALUE;
    long lastPredicted = Long.MIN_VALUE;
    for (SeriesState.Slice s : state.slices.values()) {
      versions.add(s.modelVersion());
      firstScan = Math.min(firstScan, s.scanAtMs());
      lastPredicted = Math.max(lastPredicted, s.predictedAtMs());
    }
    return SeriesVerdict.newBuilder()
        .setStudyInstanceUid(state.studyInstanceUid)
        .setSeriesInstanceUid(key)
        .setPatientKey(state.patientKey)
        .setGrouping(state.grouping)
        .setSlices(state.slices.size())
        .setSlicesExpected(state.expected)
        .setDuplicates(state.duplicates)
        .setProbabilities(result.byClassName())
        .setVerdict(result.stage())
        .setConfidence(result.confidence())
        .setAggregation(settings.aggregation())
        .setModelVersions(new ArrayList<>(versions))
        .setMixedModelVersions(versions.size() > 1)
        .setSupportingSlices(support)
        .setClosedBy(why)
        .setRevision(revision)
        .setFirstScanAt(Instant.ofEpochMilli(firstScan))
        .setLastPredictedAt(Instant.ofEpochMilli(lastPredicted))
        .setClosedAt(Instant.ofEpochMilli(now))
        .build();
  }
}
