package io.neurostream.training;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.training.loss.Loss;
import java.util.Arrays;

/**
 * Softmax cross-entropy with a weight per true class: {@code mean_i(-w[y_i] · log softmax(z_i)[y_i])}.
 * With {@link #balanced(int[])} weights a rare class (Moderate is 1% of the seed's data) counts as
 * much in total as a common one, and the mean weight over the training set is 1, so the loss stays
 * on the scale of plain cross-entropy.
 */
public final class ClassWeightedCrossEntropy extends Loss {

  private final float[] weights;

  /** A loss with {@code weights[c]} for true class {@code c}. */
  public ClassWeightedCrossEntropy(float[] weights) {
    super("WeightedSoftmaxCrossEntropy");
    this.weights = weights.clone();
  }

  /**
   * Weights inverse to class frequency, {@code n / (k · n_c)} (scikit-learn's "balanced"); a class
   * without examples gets weight 0.
   */
  public static float[] balanced(int[] classCounts) {
    long n = Arrays.stream(classCounts).asLongStream().sum();
    int present = (int) Arrays.stream(classCounts).filter(c -> c > 0).count();
    float[] w = new float[classCounts.length];
    for (int c = 0; c < classCounts.length; c++) {
      w[c] = classCounts[c] == 0 ? 0f : (float) n / ((float) present * classCounts[c]);
    }
    return w;
  }

  /** The weight of each class. */
  public float[] weights() {
    return weights.clone();
  }

  @Override
  public NDArray evaluate(NDList labels, NDList predictions) {
    NDArray logits = predictions.singletonOrThrow();
    NDArray logProbabilities = logits.logSoftmax(-1);
    NDArray weightsArray = logits.getManager().create(weights);
    // one-hot rows scaled by the true class's weight pick out -w[y]·log p[y]
    NDArray weightedTargets = labels.singletonOrThrow().toType(ai.djl.ndarray.types.DataType.INT32, false)
        .oneHot(weights.length)
        .mul(weightsArray);
    return logProbabilities.mul(weightedTargets).sum(new int[] {-1}).neg().mean();
  }
}
