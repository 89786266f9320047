package io.neurostream.training;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.neurostream.model.ClassProbabilities;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class EvaluationMetricsTest {

  private static ClassProbabilities confident(int predicted, float confidence) {
    float[] p = new float[4];
    float rest = (1 - confidence) / 3;
    for (int i = 0; i < 4; i++) {
      p[i] = i == predicted ? confidence : rest;
    }
    return ClassProbabilities.of(p);
  }

  @Test
  void shouldComputeTheScikitLearnFiguresOfAKnownConfusion() {
    // given: 6 Non (5 right, 1 as Very mild), 3 Very mild (all right), 1 Mild (as Non), 0 Moderate
    int[] labels = {0, 0, 0, 0, 0, 0, 1, 1, 1, 2};
    int[] predicted = {0, 0, 0, 0, 0, 1, 1, 1, 1, 0};
    List<ClassProbabilities> p = new ArrayList<>();
    for (int k : predicted) {
      p.add(confident(k, 0.9f));
    }

    // when
    EvaluationMetrics m = EvaluationMetrics.of(labels, p);

    // then
    assertThat(m.accuracy()).isCloseTo(0.8, within(1e-9));
    // recalls: Non 5/6, Very mild 3/3, Mild 0/1; Moderate has no support and is left out
    assertThat(m.balancedAccuracy()).isCloseTo((5.0 / 6 + 1 + 0) / 3, within(1e-9));
    // F1: Non p=5/6 r=5/6 → 5/6; Very mild p=3/4 r=1 → 6/7; Mild 0; Moderate absent everywhere
    assertThat(m.macroF1()).isCloseTo((5.0 / 6 + 6.0 / 7 + 0) / 3, within(1e-9));
    assertThat(m.confusion()[0]).containsExactly(5, 1, 0, 0);
    assertThat(m.confusion()[2]).containsExactly(1, 0, 0, 0);
    assertThat(m.classes().get(3).support()).isZero();
    assertThat(m.classes().get(3).recall()).isNaN();
    // all at confidence 0.9, 80% right: one bin, |0.8 - 0.9|
    assertThat(m.expectedCalibrationError()).isCloseTo(0.1, within(1e-6));
    assertThat(m.asMap()).containsKeys("balanced_accuracy", "macro_f1", "ece", "recall.Mild_Demented")
        .doesNotContainKey("recall.Moderate_Demented");
    assertThat(m.table()).contains("balanced accuracy 0.6111");
  }

  @Test
  void shouldHaveZeroCalibrationErrorWhenConfidenceMatchesAccuracy() {
    int[] labels = {0, 1, 0, 1};
    List<ClassProbabilities> p = List.of(confident(0, 0.5f), confident(0, 0.5f), confident(1, 1f), confident(1, 1f));

    EvaluationMetrics m = EvaluationMetrics.of(labels, p);

    // bin (0.47, 0.53]: 50% right at 0.5; bin (0.93, 1]: 50% right at 1.0 → 0.5 · 0.5 = 0.25
    assertThat(m.expectedCalibrationError()).isCloseTo(0.25, within(1e-6));
  }
}
