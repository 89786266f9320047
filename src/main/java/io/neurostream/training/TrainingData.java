package io.neurostream.training;

import io.neurostream.model.ModelSpec;
import java.util.List;
import java.util.Map;

/**
 * A training set split three ways, in memory.
 *
 * @param train examples to fit on (augmented)
 * @param validation examples for early stopping
 * @param test the holdout, evaluated once with the chosen model
 * @param splitDescription how the split was made, e.g. "by subject (manifest.csv), seed 42"
 * @param provenance where the data came from, stamped into the bundle
 */
public record TrainingData(
    List<TrainingExample> train,
    List<TrainingExample> validation,
    List<TrainingExample> test,
    String splitDescription,
    Map<String, String> provenance) {

  public TrainingData {
    train = List.copyOf(train);
    validation = List.copyOf(validation);
    test = List.copyOf(test);
    provenance = Map.copyOf(provenance);
    if (train.isEmpty()) {
      throw new IllegalArgumentException("no training examples; check the data folder");
    }
  }

  /** Examples per class in {@code examples}, in output order. */
  public static int[] classCounts(List<TrainingExample> examples) {
    int[] counts = new int[ModelSpec.numClasses()];
    for (TrainingExample e : examples) {
      counts[e.labelIndex()]++;
    }
    return counts;
  }
}
