package io.neurostream.trainer;

import io.neurostream.training.EvaluationMetrics;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Decides whether a candidate replaces the served model, from both models' metrics on the same
 * holdout: its balanced accuracy must improve by at least {@code minImprovement}, and no class's
 * recall may drop by more than {@code maxRecallDrop} (a better average must not hide a class the
 * new model stopped finding).
 *
 * <p>Beside the slice-level figures the gate can judge the subject (series) level, where each
 * holdout patient's slices are folded into one verdict as the verdict stage does: with
 * {@code maxSeriesDrop} below 1, the candidate's series-level balanced accuracy may fall short of
 * the served model's by at most that much (0: not worse at all).
 *
 * @param minImprovement least gain of balanced accuracy, e.g. 0.01
 * @param maxRecallDrop largest allowed loss of any class's recall, e.g. 0.05
 * @param maxSeriesDrop largest allowed loss of series-level balanced accuracy; 1 turns the check
 *     off
 */
public record PromotionGate(double minImprovement, double maxRecallDrop, double maxSeriesDrop) {

  /** A gate without the series-level check. */
  public PromotionGate(double minImprovement, double maxRecallDrop) {
    this(minImprovement, maxRecallDrop, 1.0);
  }

  /**
   * Compares {@code candidate} with {@code current} at slice level, then at series level.
   *
   * @param candidateSeries the candidate's subject-level metrics on the same holdout
   * @param currentSeries the served model's subject-level metrics on the same holdout
   */
  public Decision decide(EvaluationMetrics candidate, EvaluationMetrics current,
      EvaluationMetrics candidateSeries, EvaluationMetrics currentSeries) {
    Decision slices = decide(candidate, current);
    double drop = currentSeries.balancedAccuracy() - candidateSeries.balancedAccuracy();
    String figures = String.format(Locale.ROOT,
        "series-level balanced accuracy %.4f vs %.4f (%+.4f) on %d holdout patients",
        candidateSeries.balancedAccuracy(), currentSeries.balancedAccuracy(),
        candidateSeries.balancedAccuracy() - currentSeries.balancedAccuracy(),
        candidateSeries.count());
    if (maxSeriesDrop < 1 && drop > maxSeriesDrop + 1e-12) {
      String because = String.format(Locale.ROOT, "%s, at most -%.4f allowed", figures,
          maxSeriesDrop);
      return new Decision(false, slices.promote()
          ? "rejected: " + because + " (slice level alone would promote: " + slices.reason() + ")"
          : slices.reason() + "; " + because);
    }
    return new Decision(slices.promote(), slices.reason() + "; " + figures
        + (maxSeriesDrop < 1 ? "" : " (series-level check off)"));
  }

  /**
   * The verdict and why, in words an operator can act on.
   *
   * @param promote whether the candidate is promoted
   * @param reason the numbers behind the verdict
   */
  public record Decision(boolean promote, String reason) {}

  /** Compares {@code candidate} with {@code current}, both measured on the same holdout. */
  public Decision decide(EvaluationMetrics candidate, EvaluationMetrics current) {
    if (candidate.count() != current.count()) {
      throw new IllegalArgumentException("candidate scored on " + candidate.count()
          + " holdout scans but the current model on " + current.count() + "; use the same holdout");
    }
    List<String> failures = new ArrayList<>();
    double gain = candidate.balancedAccuracy() - current.balancedAccuracy();
    String accuracy = String.format(Locale.ROOT, "holdout balanced accuracy %.4f vs %.4f (%+.4f",
        candidate.balancedAccuracy(), current.balancedAccuracy(), gain);
    if (gain + 1e-12 < minImprovement) {
      failures.add(String.format(Locale.ROOT, "%s, needs %+.4f)", accuracy, minImprovement));
    }
    double worstDrop = 0;
    String worstClass = null;
    for (int c = 0; c < candidate.classes().size(); c++) {
      EvaluationMetrics.ClassMetrics now = current.classes().get(c);
      EvaluationMetrics.ClassMetrics next = candidate.classes().get(c);
      if (now.support() == 0) {
        continue;
      }
      double drop = now.recall() - next.recall();
      if (drop > maxRecallDrop + 1e-12) {
        failures.add(String.format(Locale.ROOT, "recall of %s drops %.4f -> %.4f (-%.4f, at most -%.4f allowed)",
            now.name(), now.recall(), next.recall(), drop, maxRecallDrop));
      }
      if (drop > worstDrop) {
        worstDrop = drop;
        worstClass = now.name();
      }
    }
    String holdout = " on " + candidate.count() + " holdout scans";
    if (!failures.isEmpty()) {
      return new Decision(false, "rejected: " + String.join("; ", failures) + holdout);
    }
    return new Decision(true, String.format(Locale.ROOT, "promoted: %s, needs %+.4f); %s%s",
        accuracy, minImprovement,
        worstClass == null ? "no class recall dropped"
            : String.format(Locale.ROOT, "largest recall drop %.4f (%s, at most %.4f allowed)",
                worstDrop, worstClass, maxRecallDrop),
        holdout));
  }
}
