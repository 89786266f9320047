package io.neurostream.console;

import io.neurostream.avro.ModelRelease;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Everything the console follows, and the overview and release views built from it: instances
 * from the status topic, releases, recent predictions and verdicts, dead letters and the scans
 * topic's traffic.
 */
final class ConsoleState {

  private final StatusBoard status;
  private final ReleaseBoard releases;
  private final PredictionWindow predictions;
  private final DeadLetterIndex deadLetters;
  private final TrafficMeter traffic;
  private final VerdictBoard verdicts;
  private final int predictionsKept;

  ConsoleState(StatusBoard status, ReleaseBoard releases, PredictionWindow predictions,
      DeadLetterIndex deadLetters, TrafficMeter traffic, VerdictBoard verdicts,
      int predictionsKept) {
    this.status = status;
    this.releases = releases;
    this.predictions = predictions;
    this.deadLetters = deadLetters;
    this.traffic = traffic;
    this.verdicts = verdicts;
    this.predictionsKept = predictionsKept;
  }

  StatusBoard status() {
    return status;
  }

  PredictionWindow predictions() {
    return predictions;
  }

  DeadLetterIndex deadLetters() {
    return deadLetters;
  }

  VerdictBoard verdicts() {
    return verdicts;
  }

  int predictionsKept() {
    return predictionsKept;
  }

  /** The overview page's figures. */
  Map<String, Object> overview() {
    long now = System.currentTimeMillis();
    Map<String, Object> o = new LinkedHashMap<>();
    o.put("at", now);
    o.put("scansPerSecond", round(traffic.scansPerSecond()));
    o.put("predictionsPerSecond", round(predictions.rate().perSecond(now)));
    o.put("deadLettersPerSecond", round(deadLetters.rate().perSecond(now)));
    o.put("latencyP50Ms", finite(predictions.rate().quantile(0.50, now)));
    o.put("latencyP99Ms", finite(predictions.rate().quantile(0.99, now)));
    o.put("windowSeconds", PredictionWindow.WINDOW_MS / 1000);
    o.put("scansTotal", traffic.scansTotal());
    o.put("predictionsSeen", predictions.rate().total());
    o.put("deadLettersTotal", deadLetters.counts().stream()
        .mapToLong(DeadLetterIndex.Count::count).sum());
    o.put("lag", traffic.lag());
    o.put("instances", status.instances());
    o.put("servedRelease", releases.served().map(ModelRelease::getVersion).orElse(null));
    o.put("problems", problems());
    return o;
  }

  /** What keeps the console from showing everything, each saying what to do. */
  List<String> problems() {
    List<String> p = new ArrayList<>();
    Optional.ofNullable(traffic.problem()).ifPresent(p::add);
    status.failure().ifPresent(e -> p.add("not following the status topic: " + e.getMessage()));
    releases.failure().ifPresent(e -> p.add("not following the releases topic: " + e.getMessage()));
    deadLetters.failure().ifPresent(e -> p.add("not following the dead letters: " + e.getMessage()));
    Optional.ofNullable(predictions.failure())
        .ifPresent(e -> p.add("not following the predictions: " + e.getMessage()));
    Optional.ofNullable(verdicts.failure())
        .ifPresent(e -> p.add("not following the verdicts: " + e.getMessage()));
    return p;
  }

  /** The releases page: every record newest first, the served version and who serves what. */
  Map<String, Object> releases() {
    Map<String, List<String>> servedBy = new LinkedHashMap<>();
    status.instances().stream().filter(i -> i.modelVersion() != null && !i.stale()
            && "classifier".equals(i.service()))
        .forEach(i -> servedBy.computeIfAbsent(i.modelVersion(), k -> new ArrayList<>())
            .add(i.instanceId()));
    List<ModelRelease> records = new ArrayList<>(releases.records());
    Collections.reverse(records);
    Map<String, ModelRelease> newest = new LinkedHashMap<>();
    records.forEach(r -> newest.putIfAbsent(r.getVersion(), r));
    Optional<ModelRelease> served = releases.served();
    List<Map<String, Object>> versions = new ArrayList<>();
    newest.values().forEach(r -> {
      Map<String, Object> v = release(r, servedBy.getOrDefault(r.getVersion(), List.of()));
      boolean isServed = served.map(s -> s.getVersion().equals(r.getVersion())).orElse(false);
      v.put("served", isServed);
      v.put("canRollBack", !isServed);
      versions.add(v);
    });
    List<Map<String, Object>> history = new ArrayList<>();
    records.forEach(r -> history.add(release(r, List.of())));
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("servedRelease", served.map(ModelRelease::getVersion).orElse(null));
    out.put("classifiers", servedBy);
    out.put("versions", versions);
    out.put("history", history);
    return out;
  }

  static Map<String, Object> release(ModelRelease r, List<String> servedBy) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("version", r.getVersion());
    m.put("status", r.getStatus().name());
    m.put("reason", r.getReason());
    m.put("parentVersion", r.getParentVersion());
    m.put("createdAt", r.getCreatedAt().toEpochMilli());
    m.put("metrics", r.getMetrics());
    m.put("parentMetrics", r.getParentMetrics());
    m.put("architecture", r.getArchitecture());
    m.put("artifactUri", r.getArtifactUri());
    m.put("artifactSize", r.getArtifactSize());
    m.put("servedBy", servedBy);
    return m;
  }

  private static double round(double v) {
    return Math.round(v * 100) / 100.0;
  }

  private static Double finite(double v) {
    return Double.isFinite(v) ? Math.round(v * 10) / 10.0 : null;
  }
}
