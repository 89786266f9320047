package io.neurostream.demo;

import io.neurostream.avro.DementiaStage;
import io.neurostream.avro.SeriesVerdict;
import io.neurostream.avro.VerdictClosure;
import io.neurostream.model.ClassProbabilities;
import io.neurostream.training.EvaluationMetrics;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The series-level end of a demo run: each series' current verdict (its highest revision) scored
 * against the subject's true stage, one row per model version (series whose slices were classified
 * by two versions, around a hot swap, form a "mixed" row), and the verdicts themselves.
 *
 * @param rows per model version, then "mixed"
 * @param overall every series together (null without verdicts)
 * @param verdicts every series' current verdict with its truth, in closing order
 */
public record SeriesSummary(List<Row> rows, Row overall, List<Scored> verdicts) {

  /**
   * The figures of the series one model version (or a mix) decided.
   *
   * @param version the model version, "mixed" or "all"
   * @param series series with a verdict
   * @param complete of them closed with every expected slice
   * @param revised of them with more than one revision (late slices)
   * @param metrics the verdicts scored against the truth (null without series)
   */
  public record Row(String version, int series, int complete, int revised,
      EvaluationMetrics metrics) {}

  /** A verdict and the true stage of its subject. */
  public record Scored(SeriesVerdict verdict, DementiaStage truth) {}

  /** Nothing (a run without verdicts). */
  public static SeriesSummary empty() {
    return new SeriesSummary(List.of(), null, List.of());
  }

  /**
   * Scores the verdicts of the series whose truth is known.
   *
   * @param verdicts the current verdict of each series
   * @param truthBySeries the subject's stage by Series Instance UID
   */
  public static SeriesSummary of(List<SeriesVerdict> verdicts,
      Map<String, DementiaStage> truthBySeries) {
    List<Scored> scored = new ArrayList<>();
    for (SeriesVerdict v : verdicts) {
      DementiaStage truth = truthBySeries.get(v.getSeriesInstanceUid());
      if (truth != null) {
        scored.add(new Scored(v, truth));
      }
    }
    scored.sort(Comparator.comparing(s -> s.verdict().getClosedAt()));
    Map<String, List<Scored>> byVersion = new LinkedHashMap<>();
    for (Scored s : scored) {
      List<String> versions = s.verdict().getModelVersions();
      String key = versions.size() == 1 ? versions.get(0) : "mixed";
      byVersion.computeIfAbsent(key, k -> new ArrayList<>()).add(s);
    }
    List<Row> rows = new ArrayList<>();
    byVersion.entrySet().stream().sorted((a, b) -> a.getKey().equals("mixed") ? 1
            : b.getKey().equals("mixed") ? -1 : 0)
        .forEach(e -> rows.add(row(e.getKey(), e.getValue())));
    return new SeriesSummary(List.copyOf(rows), scored.isEmpty() ? null : row("all", scored),
        List.copyOf(scored));
  }

  static Row row(String version, List<Scored> scored) {
    int[] labels = new int[scored.size()];
    List<ClassProbabilities> predicted = new ArrayList<>();
    int complete = 0;
    int revised = 0;
    for (int i = 0; i < scored.size(); i++) {
      SeriesVerdict v = scored.get(i).verdict();
      labels[i] = scored.get(i).truth().ordinal();
      float[] p = new float[DementiaStage.values().length];
      for (DementiaStage s : DementiaStage.values()) {
        p[s.ordinal()] = v.getProbabilities().getOrDefault(s.name(), 0.0).floatValue();
      }
      predicted.add(new ClassProbabilities(p, v.getVerdict().ordinal()));
      complete += v.getClosedBy() == VerdictClosure.COMPLETE ? 1 : 0;
      revised += v.getRevision() > 1 ? 1 : 0;
    }
    return new Row(version, scored.size(), complete, revised,
        scored.isEmpty() ? null : EvaluationMetrics.of(labels, predicted));
  }

  /** The table printed at the end of the demo, beside the per-slice one. */
  public String table() {
    StringBuilder s = new StringBuilder();
    String header = String.format(Locale.ROOT, "%-22s %7s %9s %8s %9s %14s%n",
        "model version", "series", "complete", "revised", "accuracy", "balanced acc.");
    s.append(header);
    s.append("-".repeat(header.length() - 1)).append('\n');
    for (Row r : rows) {
      s.append(line(r));
    }
    if (overall != null && rows.size() > 1) {
      s.append(line(overall));
    }
    return s.toString();
  }

  private static String line(Row r) {
    return String.format(Locale.ROOT, "%-22s %,7d %9d %8d %9.3f %14.3f%n", r.version(), r.series(),
        r.complete(), r.revised(), r.metrics().accuracy(), r.metrics().balancedAccuracy());
  }
}
