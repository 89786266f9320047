package io.neurostream.training;

import io.neurostream.config.Plural;
import io.neurostream.model.BundleMetadata;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;

/**
 * The slices to evaluate a model on: the subject-level test split when the folder says which
 * subject each slice belongs to (recomputed with the seed and fractions the model was trained
 * with), otherwise the whole folder.
 *
 * @param examples decoded slices
 * @param description what was chosen and why, for the report
 */
public record Holdout(List<TrainingExample> examples, String description) {

  /** Chooses and decodes the evaluation slices of {@code dir} for a model with {@code metadata}. */
  public static Holdout select(Path dir, BundleMetadata metadata, boolean wholeFolder, PrintStream log) {
    int size = metadata.spec().inputSize();
    KaggleDataset dataset = KaggleDataset.open(dir);
    if (wholeFolder || !dataset.hasSubjects()) {
      List<TrainingExample> all = ScanFolder.loadAll(dataset, size, log);
      String why = wholeFolder ? "--all given" : "no subject information (no manifest.csv, no sub-<id> file names)";
      return new Holdout(all, String.format(Locale.ROOT,
          "the whole folder %s (%s; %s)", dir, Plural.of(all.size(), "slice"), why));
    }
    long seed = parseLong(metadata.provenance().get("seed"), 42);
    double validation = parseDouble(metadata.provenance().get("validation_fraction"), 0.15);
    double test = parseDouble(metadata.provenance().get("test_fraction"), 0.15);
    if (test <= 0) {
      test = 0.15;
    }
    List<TrainingExample> testSplit = ScanFolder.loadTest(dataset, size, validation, test, seed, log);
    long subjects = testSplit.stream().map(TrainingExample::subject).distinct().count();
    return new Holdout(testSplit, String.format(Locale.ROOT,
        "the subject-level test split of %s: %s of %s (%s; seed %d,"
            + " test fraction %.2f, as the model was trained)", dir, Plural.of(testSplit.size(), "slice"),
        Plural.of(subjects, "subject"),
        ScanFolder.describe(dataset), seed, test));
  }

  private static long parseLong(String s, long fallback) {
    try {
      return s == null ? fallback : Long.parseLong(s);
    } catch (NumberFormatException e) {
      return fallback;
    }
  }

  private static double parseDouble(String s, double fallback) {
    try {
      return s == null ? fallback : Double.parseDouble(s);
    } catch (NumberFormatException e) {
      return fallback;
    }
  }
}
