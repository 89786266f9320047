package io.neurostream.console;

import io.neurostream.avro.Explanation;
import io.neurostream.avro.SeriesVerdict;
import io.neurostream.avro.SupportingSlice;
import io.neurostream.kafka.Topics;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * The recent series verdicts ({@link Topics#SERIES_VERDICTS}, the highest revision per series)
 * and Grad-CAM explanations ({@link Topics#EXPLANATIONS}, the overlay of each explained slice), for
 * the series page. Both are bounded: the newest {@code kept} series and slices.
 */
final class VerdictBoard implements AutoCloseable {

  /** One explanation as the pages show it; the overlay is served by its own URL. */
  record ExplanationView(String sopInstanceUid, String seriesUid, String explainedClass,
      double probability, String modelVersion, String method, Integer verdictRevision,
      long computedAt, String overlay) {}

  private final int kept;
  private final Map<String, SeriesVerdict> verdicts;
  private final Map<String, Explanation> explanations;
  private final TopicTail<SeriesVerdict> verdictTail;
  private final TopicTail<Explanation> explanationTail;

  VerdictBoard(Map<String, Object> client, Map<String, ?> serde, int kept, Runnable onChange) {
    this.kept = kept;
    this.verdicts = lru(kept);
    this.explanations = lru(kept);
    this.verdictTail = new TopicTail<>(Topics.SERIES_VERDICTS.name(), client,
        Topics.SERIES_VERDICTS.valueSerde(serde).deserializer(), kept, (r, v) -> verdict(v),
        onChange);
    this.explanationTail = new TopicTail<>(Topics.EXPLANATIONS.name(), client,
        Topics.EXPLANATIONS.valueSerde(serde).deserializer(), Math.min(kept, 500),
        (r, e) -> explanation(e), onChange);
  }

  VerdictBoard start() {
    verdictTail.start();
    explanationTail.start();
    return this;
  }

  private static <V> Map<String, V> lru(int kept) {
    return new LinkedHashMap<>(16, 0.75f, true) {
      @Override
      protected boolean removeEldestEntry(Map.Entry<String, V> eldest) {
        return size() > kept;
      }
    };
  }

  private synchronized void verdict(SeriesVerdict v) {
    SeriesVerdict before = verdicts.get(v.getSeriesInstanceUid());
    if (before == null || before.getRevision() <= v.getRevision()) {
      verdicts.put(v.getSeriesInstanceUid(), v);
    }
  }

  private synchronized void explanation(Explanation e) {
    explanations.put(e.getSopInstanceUid(), e);
  }

  /** The current verdict of {@code seriesUid} as the pages show it, if one was read. */
  synchronized Optional<Map<String, Object>> verdict(String seriesUid) {
    SeriesVerdict v = verdicts.get(seriesUid);
    if (v == null) {
      return Optional.empty();
    }
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("verdict", v.getVerdict().name());
    m.put("confidence", v.getConfidence());
    m.put("probabilities", new TreeMap<>(v.getProbabilities()));
    m.put("slices", v.getSlices());
    m.put("slicesExpected", v.getSlicesExpected());
    m.put("aggregation", v.getAggregation().name());
    m.put("modelVersions", v.getModelVersions());
    m.put("mixedModelVersions", v.getMixedModelVersions());
    m.put("closedBy", v.getClosedBy().name());
    m.put("revision", v.getRevision());
    m.put("closedAt", v.getClosedAt().toEpochMilli());
    m.put("supportingSlices", v.getSupportingSlices().stream()
        .map(SupportingSlice::getSopInstanceUid).toList());
    return Optional.of(m);
  }

  /** Whether any verdict has been read (the page says so when none has). */
  synchronized boolean any() {
    return !verdicts.isEmpty();
  }

  /** The explanations of the slices of {@code seriesUid}. */
  synchronized List<ExplanationView> explanations(String seriesUid) {
    List<ExplanationView> out = new ArrayList<>();
    explanations.values().stream().filter(e -> e.getSeriesInstanceUid().equals(seriesUid))
        .forEach(e -> out.add(new ExplanationView(e.getSopInstanceUid(), e.getSeriesInstanceUid(),
            e.getExplainedClass().name(), e.getProbability(), e.getModelVersion(), e.getMethod(),
            e.getVerdictRevision(), e.getComputedAt().toEpochMilli(),
            "/api/explanations/" + e.getSopInstanceUid())));
    return out;
  }

  /** The Grad-CAM overlay PNG of {@code sopInstanceUid}, if its explanation was read. */
  synchronized Optional<byte[]> overlay(String sopInstanceUid) {
    Explanation e = explanations.get(sopInstanceUid);
    if (e == null) {
      return Optional.empty();
    }
    ByteBuffer b = e.getOverlayPng().duplicate();
    byte[] png = new byte[b.remaining()];
    b.get(png);
    return Optional.of(png);
  }

  int kept() {
    return kept;
  }

  RuntimeException failure() {
    return verdictTail.failure() != null ? verdictTail.failure() : explanationTail.failure();
  }

  @Override
  public void close() {
    verdictTail.close();
    explanationTail.close();
  }
}
