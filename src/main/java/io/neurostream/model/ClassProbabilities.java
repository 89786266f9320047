package io.neurostream.model;

import io.neurostream.avro.DementiaStage;
import java.util.Arrays;

/**
 * The network's softmax output for one slice: a probability per {@link DementiaStage}, in the
 * enum's order, and the most probable class.
 *
 * @param probabilities one probability per class, summing to 1
 * @param predictedClass index of the largest probability
 */
public record ClassProbabilities(float[] probabilities, int predictedClass) {

  public ClassProbabilities {
    if (probabilities.length != ModelSpec.numClasses()) {
      throw new IllegalArgumentException(
          "expected " + ModelSpec.numClasses() + " probabilities, got " + probabilities.length);
    }
    probabilities = probabilities.clone();
  }

  /** Probabilities with the argmax as predicted class (the first one on ties). */
  public static ClassProbabilities of(float[] probabilities) {
    int best = 0;
    for (int i = 1; i < probabilities.length; i++) {
      if (probabilities[i] > probabilities[best]) {
        best = i;
      }
    }
    return new ClassProbabilities(probabilities, best);
  }

  @Override
  public float[] probabilities() {
    return probabilities.clone();
  }

  /** The probability of class {@code index}. */
  public float probability(int index) {
    return probabilities[index];
  }

  /** The predicted stage. */
  public DementiaStage stage() {
    return DementiaStage.values()[predictedClass];
  }

  /** The probability of the predicted class. */
  public float confidence() {
    return probabilities[predictedClass];
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof ClassProbabilities c
        && c.predictedClass == predictedClass
        && Arrays.equals(c.probabilities, probabilities);
  }

  @Override
  public int hashCode() {
    return 31 * Arrays.hashCode(probabilities) + predictedClass;
  }

  @Override
  public String toString() {
    return stage() + " " + Arrays.toString(probabilities);
  }
}
