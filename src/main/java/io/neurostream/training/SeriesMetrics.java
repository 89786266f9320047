package io.neurostream.training;

import io.neurostream.avro.DementiaStage;
import io.neurostream.avro.SeriesAggregation;
import io.neurostream.model.ClassProbabilities;
import io.neurostream.model.SeriesAggregator;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Subject-level (series-level) evaluation: each subject's slice predictions are folded into one
 * prediction with the verdict stage's rule ({@link SeriesAggregator}) and scored against the
 * subject's label, so the unit counted is a patient, not a slice (slice-level scores flatter a
 * model whose slices of one patient are alike; Yagis et al. 2021). Our data sets have one series
 * per subject, so subject level and series level are the same here.
 */
public final class SeriesMetrics {

  private SeriesMetrics() {}

  /**
   * Scores subject-level predictions.
   *
   * @param examples the labeled slices, with their subjects
   * @param predictions the model's slice predictions, in the order of {@code examples}
   * @param how the aggregation (the verdict stage's {@code verdict.aggregation})
   * @return metrics whose count is the number of subjects
   */
  public static EvaluationMetrics of(List<TrainingExample> examples,
      List<ClassProbabilities> predictions, SeriesAggregation how) {
    if (examples.size() != predictions.size()) {
      throw new IllegalArgumentException(examples.size() + " examples but " + predictions.size()
          + " predictions");
    }
    Map<String, List<Integer>> bySubject = new LinkedHashMap<>();
    for (int i = 0; i < examples.size(); i++) {
      bySubject.computeIfAbsent(examples.get(i).subject(), s -> new ArrayList<>()).add(i);
    }
    int[] labels = new int[bySubject.size()];
    List<ClassProbabilities> fused = new ArrayList<>(bySubject.size());
    int k = 0;
    for (List<Integer> slices : bySubject.values()) {
      List<float[]> probs = new ArrayList<>(slices.size());
      Map<DementiaStage, Integer> votes = new EnumMap<>(DementiaStage.class);
      for (int i : slices) {
        probs.add(predictions.get(i).probabilities());
        votes.merge(examples.get(i).label(), 1, Integer::sum);
      }
      // a subject has one stage; should its slices disagree, the most common label stands
      labels[k++] = votes.entrySet().stream().max(Map.Entry.comparingByValue()).orElseThrow()
          .getKey().ordinal();
      double[] p = SeriesAggregator.aggregate(probs, how).probabilities();
      float[] f = new float[p.length];
      for (int c = 0; c < p.length; c++) {
        f[c] = (float) p[c];
      }
      fused.add(ClassProbabilities.of(f));
    }
    return EvaluationMetrics.of(labels, fused);
  }
}
