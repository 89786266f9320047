package io.neurostream.demo;

import io.neurostream.avro.Explanation;
import io.neurostream.avro.SeriesVerdict;
import io.neurostream.kafka.Topics;
import io.neurostream.ops.Waiting;
import java.time.Duration;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.serialization.Deserializer;

/**
 * Reads the committed series verdicts as a downstream system would and keeps the highest revision
 * of each series, for the demo's series-level table, and the Grad-CAM overlays published for their
 * slices, for the report.
 */
final class VerdictWatcher extends TopicWatcher {

  private final Deserializer<SeriesVerdict> verdicts;
  private final Deserializer<Explanation> explanations;
  private final Map<String, byte[]> overlays = new HashMap<>();
  private final Map<String, SeriesVerdict> latest = new LinkedHashMap<>();
  private int records;

  VerdictWatcher(Map<String, Object> client, Map<String, ?> serdeConfig) {
    super("verdict", "series verdicts", client, Map.of(),
        List.of(Topics.SERIES_VERDICTS.name(), Topics.EXPLANATIONS.name()));
    verdicts = Topics.SERIES_VERDICTS.valueSerde(serdeConfig).deserializer();
    explanations = Topics.EXPLANATIONS.valueSerde(serdeConfig).deserializer();
  }

  VerdictWatcher start() {
    startReading();
    return this;
  }

  @Override
  protected void handle(ConsumerRecord<String, byte[]> r) {
    if (r.topic().equals(Topics.EXPLANATIONS.name())) {
      Explanation e = explanations.deserialize(r.topic(), r.headers(), r.value());
      byte[] png = new byte[e.getOverlayPng().remaining()];
      e.getOverlayPng().duplicate().get(png);
      synchronized (latest) {
        overlays.put(e.getSopInstanceUid(), png);
      }
      return;
    }
    SeriesVerdict v = verdicts.deserialize(r.topic(), r.headers(), r.value());
    synchronized (latest) {
      records++;
      latest.merge(r.key(), v, (a, b) -> b.getRevision() > a.getRevision() ? b : a);
    }
  }

  /** The highest revision of every series seen so far. */
  List<SeriesVerdict> latest() {
    synchronized (latest) {
      return List.copyOf(latest.values());
    }
  }

  /** The Grad-CAM overlay PNGs seen so far, by SOP Instance UID. */
  Map<String, byte[]> overlays() {
    synchronized (latest) {
      return Map.copyOf(overlays);
    }
  }

  /** Verdict records seen (revisions included). */
  int records() {
    synchronized (latest) {
      return records;
    }
  }

  /**
   * Waits until each of {@code series} has a verdict, or until no new one came for {@code quiet}.
   *
   * @return how many of {@code series} have a verdict
   */
  long awaitVerdicts(Set<String> series, Duration quiet) throws InterruptedException {
    Waiting.whileProgressing(() -> {
      check();
      return covering(series);
    }, have -> have >= series.size(), quiet, Waiting.DEFAULT_POLL);
    return covering(series);
  }

  private long covering(Set<String> series) {
    return latest().stream().filter(v -> series.contains(v.getSeriesInstanceUid())).count();
  }
}
