package io.neurostream.model;

import io.neurostream.avro.DementiaStage;
import io.neurostream.avro.SeriesAggregation;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Folds slice probabilities into series (or subject) probabilities. The verdict stage and the
 * series-level evaluation use the same rule, so what is measured is what is served.
 *
 * <ul>
 *   <li>{@code MEAN_PROBABILITY} (the default): the arithmetic mean per class, as Wen et al. 2020
 *       fuse slice outputs into one subject-level prediction.
 *   <li>{@code MEAN_LOG_PROBABILITY}: the mean log-probability per class (the geometric mean),
 *       renormalised with a softmax; it treats slices as independent evidence, so a slice that
 *       rules a class out weighs more than under the arithmetic mean.
 * </ul>
 */
public final class SeriesAggregator {

  /** Probabilities are floored at this before the logarithm, so a zero does not give -inf. */
  static final double LOG_FLOOR = 1e-7;
  private static final DementiaStage[] STAGES = DementiaStage.values();

  private SeriesAggregator() {}

  /**
   * The rule named as in configuration: {@code mean-prob} or {@code mean-log-prob}.
   *
   * @throws IllegalArgumentException naming the two choices
   */
  public static SeriesAggregation parse(String name) {
    return switch (name) {
      case "mean-prob" -> SeriesAggregation.MEAN_PROBABILITY;
      case "mean-log-prob" -> SeriesAggregation.MEAN_LOG_PROBABILITY;
      default -> throw new IllegalArgumentException("aggregation '" + name
          + "' is not known; use mean-prob or mean-log-prob");
    };
  }

  /** A series' aggregated probabilities, in DementiaStage order, and its verdict. */
  public record Result(double[] probabilities, int verdict) {

    /** The verdict class. */
    public DementiaStage stage() {
      return STAGES[verdict];
    }

    /** The aggregated probability of the verdict class. */
    public double confidence() {
      return probabilities[verdict];
    }

    /** The probabilities by class name, in DementiaStage order. */
    public Map<String, Double> byClassName() {
      Map<String, Double> m = new LinkedHashMap<>();
      for (int c = 0; c < probabilities.length; c++) {
        m.put(c < STAGES.length ? STAGES[c].name() : "class" + c, probabilities[c]);
      }
      return m;
    }
  }

  /**
   * Aggregates the slices' probability vectors.
   *
   * @throws IllegalArgumentException if there are none or their lengths differ
   */
  public static Result aggregate(Collection<float[]> slices, SeriesAggregation how) {
    if (slices.isEmpty()) {
      throw new IllegalArgumentException("a series verdict needs at least one slice");
    }
    int classes = slices.iterator().next().length;
    double[] sum = new double[classes];
    for (float[] p : slices) {
      if (p.length != classes) {
        throw new IllegalArgumentException("slices have " + classes + " and " + p.length
            + " classes; every slice of a series must come from a model with the same classes");
      }
      for (int c = 0; c < classes; c++) {
        sum[c] += how == SeriesAggregation.MEAN_LOG_PROBABILITY
            ? Math.log(Math.max(LOG_FLOOR, p[c])) : p[c];
      }
    }
    double[] out = new double[classes];
    int n = slices.size();
    if (how == SeriesAggregation.MEAN_LOG_PROBABILITY) {
      double max = Double.NEGATIVE_INFINITY;
      for (int c = 0; c < classes; c++) {
        max = Math.max(max, sum[c] / n);
      }
      double z = 0;
      for (int c = 0; c < classes; c++) {
        out[c] = Math.exp(sum[c] / n - max);
        z += out[c];
      }
      for (int c = 0; c < classes; c++) {
        out[c] /= z;
      }
    } else {
      for (int c = 0; c < classes; c++) {
        out[c] = sum[c] / n;
      }
    }
    int best = 0;
    for (int c = 1; c < classes; c++) {
      if (out[c] > out[best]) {
        best = c;
      }
    }
    return new Result(out, best);
  }
}
