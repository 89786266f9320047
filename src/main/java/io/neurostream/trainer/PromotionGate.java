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
 * @param minImprovement least gain of balanced accuracy, e.g. 0.01
 * @param maxRecallDrop largest allowed loss of any class's recall, e.g. 0.05
 */
public record PromotionGate(double minImprovement, double maxRecallDrop) {

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
