package io.neurostream.training;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import org.junit.jupiter.api.Test;

class ClassWeightedCrossEntropyTest {

  @Test
  void shouldWeightClassesInverselyToFrequencyWithMeanOne() {
    // the seed dataset's proportions
    int[] counts = {3200, 2240, 896, 64};

    float[] w = ClassWeightedCrossEntropy.balanced(counts);

    assertThat(w[3]).isCloseTo(25f, within(1e-4f));
    assertThat(w[0]).isCloseTo(0.5f, within(1e-4f));
    double mean = 0;
    for (int c = 0; c < 4; c++) {
      mean += (double) counts[c] * w[c];
    }
    assertThat(mean / 6400).isCloseTo(1.0, within(1e-6));
  }

  @Test
  void shouldEqualTheWeightedMeanOfPerExampleCrossEntropy() {
    float[] w = {1f, 2f, 3f, 4f};
    float[][] logits = {{2f, 0f, 0f, 0f}, {0f, 1f, 0f, 3f}};
    int[] labels = {0, 3};
    try (NDManager manager = NDManager.newBaseManager()) {
      float loss = new ClassWeightedCrossEntropy(w)
          .evaluate(new NDList(manager.create(labels)),
              new NDList(manager.create(new float[] {2, 0, 0, 0, 0, 1, 0, 3}, new Shape(2, 4))))
          .getFloat();

      double expected = 0;
      for (int i = 0; i < 2; i++) {
        double z = 0;
        for (float v : logits[i]) {
          z += Math.exp(v);
        }
        expected += w[labels[i]] * -(logits[i][labels[i]] - Math.log(z));
      }
      assertThat((double) loss).isCloseTo(expected / 2, within(1e-5));
    }
  }
}
