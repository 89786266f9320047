package io.neurostream.training;

import com.fasterxml.jackson.annotation.JsonIgnore;
import io.neurostream.model.ClassProbabilities;
import io.neurostream.model.ModelSpec;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Classification quality on a labeled set: accuracy, balanced accuracy (mean recall over the
 * classes present; the number to watch when Moderate is 1% of the data), macro-F1, per-class
 * precision/recall/F1, the confusion matrix and the expected calibration error. Definitions follow
 * scikit-learn's.
 *
 * @param count number of examples
 * @param accuracy fraction predicted correctly
 * @param balancedAccuracy mean recall over classes with at least one example
 * @param macroF1 mean F1 over classes that occur in the truth or the predictions
 * @param logLoss mean negative log-likelihood of the true class
 * @param expectedCalibrationError ECE over {@link #ECE_BINS} equal-width confidence bins
 * @param classes per-class figures, in output order
 * @param confusion {@code confusion[true][predicted]} counts
 */
public record EvaluationMetrics(
    int count,
    double accuracy,
    double balancedAccuracy,
    double macroF1,
    double logLoss,
    double expectedCalibrationError,
    List<ClassMetrics> classes,
    int[][] confusion) {

  /** Number of confidence bins of the expected calibration error. */
  public static final int ECE_BINS = 15;

  /**
   * Per-class figures.
   *
   * @param name class name
   * @param support examples of this class
   * @param precision of predictions of this class, correct (0 if never predicted)
   * @param recall of examples of this class, found (NaN without support)
   * @param f1 harmonic mean of precision and recall
   */
  public record ClassMetrics(String name, int support, double precision, double recall, double f1) {}

  /** Metrics of predictions against true class indices. */
  public static EvaluationMetrics of(int[] labels, List<ClassProbabilities> predictions) {
    if (labels.length != predictions.size()) {
      throw new IllegalArgumentException(
          labels.length + " labels but " + predictions.size() + " predictions");
    }
    if (labels.length == 0) {
      throw new IllegalArgumentException("cannot evaluate on an empty set; check the data folder and split");
    }
    int k = ModelSpec.numClasses();
    int n = labels.length;
    int[][] confusion = new int[k][k];
    double nll = 0;
    double[] binConfidence = new double[ECE_BINS];
    double[] binCorrect = new double[ECE_BINS];
    int[] binCount = new int[ECE_BINS];
    for (int i = 0; i < n; i++) {
      ClassProbabilities p = predictions.get(i);
      int truth = labels[i];
      int predicted = p.predictedClass();
      confusion[truth][predicted]++;
      nll -= Math.log(Math.max(1e-12, p.probability(truth)));
      double confidence = p.confidence();
      int bin = Math.min(ECE_BINS - 1, (int) Math.ceil(confidence * ECE_BINS) - 1);
      bin = Math.max(0, bin);
      binConfidence[bin] += confidence;
      binCorrect[bin] += truth == predicted ? 1 : 0;
      binCount[bin]++;
    }
    double ece = 0;
    for (int b = 0; b < ECE_BINS; b++) {
      if (binCount[b] > 0) {
        ece += (double) binCount[b] / n * Math.abs(binCorrect[b] / binCount[b] - binConfidence[b] / binCount[b]);
      }
    }

    List<String> names = ModelSpec.classNames();
    List<ClassMetrics> classes = new ArrayList<>(k);
    int correct = 0;
    double recallSum = 0;
    int withSupport = 0;
    double f1Sum = 0;
    int occurring = 0;
    for (int c = 0; c < k; c++) {
      int tp = confusion[c][c];
      int support = 0;
      int predictedAs = 0;
      for (int j = 0; j < k; j++) {
        support += confusion[c][j];
        predictedAs += confusion[j][c];
      }
      correct += tp;
      double precision = predictedAs == 0 ? 0 : (double) tp / predictedAs;
      double recall = support == 0 ? Double.NaN : (double) tp / support;
      double r = support == 0 ? 0 : recall;
      double f1 = precision + r == 0 ? 0 : 2 * precision * r / (precision + r);
      if (support > 0) {
        recallSum += recall;
        withSupport++;
      }
      if (support > 0 || predictedAs > 0) {
        f1Sum += f1;
        occurring++;
      }
      classes.add(new ClassMetrics(names.get(c), support, precision, recall, f1));
    }
    return new EvaluationMetrics(
        n,
        (double) correct / n,
        recallSum / withSupport,
        occurring == 0 ? 0 : f1Sum / occurring,
        nll / n,
        ece,
        List.copyOf(classes),
        confusion);
  }

  /**
   * Flat metrics as releases carry them: {@code accuracy}, {@code balanced_accuracy}, {@code
   * macro_f1}, {@code log_loss}, {@code ece}, {@code recall.<Class>}, {@code precision.<Class>}.
   */
  @JsonIgnore
  public Map<String, Double> asMap() {
    Map<String, Double> m = new LinkedHashMap<>();
    m.put("accuracy", accuracy);
    m.put("balanced_accuracy", balancedAccuracy);
    m.put("macro_f1", macroF1);
    m.put("log_loss", logLoss);
    m.put("ece", expectedCalibrationError);
    m.put("count", (double) count);
    for (ClassMetrics c : classes) {
      if (c.support() > 0) {
        m.put("recall." + c.name(), c.recall());
      }
      m.put("precision." + c.name(), c.precision());
    }
    return m;
  }

  /** A human-readable table: summary, per-class figures and the confusion matrix. */
  public String table() {
    StringBuilder s = new StringBuilder();
    s.append(String.format(Locale.ROOT,
        "examples %d   accuracy %.4f   balanced accuracy %.4f   macro-F1 %.4f   log loss %.4f   ECE(%d bins) %.4f%n%n",
        count, accuracy, balancedAccuracy, macroF1, logLoss, ECE_BINS, expectedCalibrationError));
    s.append(String.format(Locale.ROOT, "%-20s %8s %10s %8s %8s%n", "class", "support", "precision", "recall", "F1"));
    for (ClassMetrics c : classes) {
      s.append(String.format(Locale.ROOT, "%-20s %8d %10.4f %8s %8.4f%n", c.name(), c.support(), c.precision(),
          Double.isNaN(c.recall()) ? "-" : String.format(Locale.ROOT, "%.4f", c.recall()), c.f1()));
    }
    s.append(String.format(Locale.ROOT, "%nconfusion matrix (rows: true, columns: predicted)%n%-20s", ""));
    for (ClassMetrics c : classes) {
      s.append(String.format(Locale.ROOT, " %10.10s", c.name()));
    }
    s.append(System.lineSeparator());
    for (int i = 0; i < confusion.length; i++) {
      s.append(String.format(Locale.ROOT, "%-20s", classes.get(i).name()));
      for (int j = 0; j < confusion[i].length; j++) {
        s.append(String.format(Locale.ROOT, " %10d", confusion[i][j]));
      }
      s.append(System.lineSeparator());
    }
    return s.toString();
  }
}
