package io.neurostream.console;

import io.neurostream.avro.DementiaStage;
import io.neurostream.console.PredictionWindow.PredictionView;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.Optional;
import java.util.TreeSet;
import java.util.function.Function;

/**
 * Recent predictions grouped by series, for the series page, with the series' verdict when the
 * verdict service has published one ({@link VerdictBoard}). A verdict is never computed here:
 * aggregating slices is the verdict service's job; without one the page shows the slices'
 * predictions, counted by stage, and says so.
 */
final class SeriesView {

  static final String VERDICTS_NOTE = "Series verdicts are not available yet (no verdict service "
      + "has published to mri.series-verdicts): this list shows slice predictions grouped by "
      + "series. Research output, not a diagnosis.";

  static final String WITH_VERDICTS_NOTE = "Series verdicts from mri.series-verdicts (slice "
      + "probabilities aggregated by the verdict service), with the slice predictions they fold. "
      + "Research output, not a diagnosis.";

  private SeriesView() {}

  /** One summary per series, the series with the newest prediction first. */
  static List<Map<String, Object>> summaries(List<PredictionView> newestFirst,
      Function<String, Optional<Map<String, Object>>> verdicts) {
    Map<String, List<PredictionView>> bySeries = new LinkedHashMap<>();
    newestFirst.forEach(p -> bySeries.computeIfAbsent(p.seriesUid(), k -> new ArrayList<>()).add(p));
    List<Map<String, Object>> out = new ArrayList<>();
    bySeries.forEach((uid, slices) -> out.add(summary(uid, slices, verdicts)));
    return out;
  }

  private static Map<String, Object> summary(String uid, List<PredictionView> slices,
      Function<String, Optional<Map<String, Object>>> verdicts) {
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
    s.put("verdict", verdicts.apply(uid).orElse(null));
    return s;
  }

  /** The slices of one series in prediction order, with their probabilities. */
  static Map<String, Object> detail(String uid, List<PredictionView> slices,
      Function<String, Optional<Map<String, Object>>> verdicts, List<?> explanations,
      boolean anyVerdicts) {
    List<PredictionView> ordered = slices.stream()
        .sorted(Comparator.comparingLong(PredictionView::predictedAt)
            .thenComparing(PredictionView::scanId))
        .toList();
    Map<String, Object> d = summary(uid, slices, verdicts);
    d.put("classes", java.util.Arrays.stream(DementiaStage.values()).map(Enum::name).toList());
    d.put("slicePredictions", ordered);
    d.put("explanations", explanations);
    d.put("note", anyVerdicts ? WITH_VERDICTS_NOTE : VERDICTS_NOTE);
    return d;
  }
}
