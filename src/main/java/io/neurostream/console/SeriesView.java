package io.neurostream.console;

import io.neurostream.avro.DementiaStage;
import io.neurostream.console.PredictionWindow.PredictionView;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * Recent predictions grouped by series, for the series page. A series verdict is not computed
 * here: slice predictions are not a series diagnosis, and aggregating them is the verdict
 * service's job (its verdicts will arrive on their own topic and fill {@code verdict}); until then
 * the page shows the slices' predictions, counted by stage, and says so.
 */
final class SeriesView {

  static final String VERDICTS_NOTE = "Series verdicts are not available yet: this list shows "
      + "slice predictions grouped by series. Research output, not a diagnosis.";

  private SeriesView() {}

  /** One summary per series, the series with the newest prediction first. */
  static List<Map<String, Object>> summaries(List<PredictionView> newestFirst) {
    Map<String, List<PredictionView>> bySeries = new LinkedHashMap<>();
    newestFirst.forEach(p -> bySeries.computeIfAbsent(p.seriesUid(), k -> new ArrayList<>()).add(p));
    List<Map<String, Object>> out = new ArrayList<>();
    bySeries.forEach((uid, slices) -> out.add(summary(uid, slices)));
    return out;
  }

  private static Map<String, Object> summary(String uid, List<PredictionView> slices) {
    PredictionView newest = slices.get(0);
    Map<String, Integer> stages = new TreeMap<>();
    slices.forEach(p -> stages.merge(p.predicted(), 1, Integer::sum));
    Map<String, Object> s = new LinkedHashMap<>();
    s.put("seriesUid", uid);
    s.put("studyUid", newest.studyUid());
    s.put("patientKey", newest.patientKey());
    s.put("slices", slices.size());
    s.put("lastPredictedAt", newest.predictedAt());
    s.put("modelVersions", new TreeSet<>(slices.stream().map(PredictionView::modelVersion).toList()));
    s.put("sliceStages", stages);
    s.put("verdict", null);
    return s;
  }

  /** The slices of one series in prediction order, with their probabilities. */
  static Map<String, Object> detail(String uid, List<PredictionView> slices) {
    List<PredictionView> ordered = slices.stream()
        .sorted(Comparator.comparingLong(PredictionView::predictedAt)
            .thenComparing(PredictionView::scanId))
        .toList();
    Map<String, Object> d = summary(uid, slices);
    d.put("classes", java.util.Arrays.stream(DementiaStage.values()).map(Enum::name).toList());
    d.put("slicePredictions", ordered);
    d.put("explanations", List.of());
    d.put("note", VERDICTS_NOTE);
    return d;
  }
}
