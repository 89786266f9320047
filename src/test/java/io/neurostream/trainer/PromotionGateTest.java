package io.neurostream.trainer;

import static org.assertj.core.api.Assertions.assertThat;

import io.neurostream.model.ClassProbabilities;
import io.neurostream.training.EvaluationMetrics;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class PromotionGateTest {

  private final PromotionGate gate = new PromotionGate(0.01, 0.05);

  /** Ten holdout scans per class; {@code correct[c]} of class c are predicted right (else as the next class). */
  private static EvaluationMetrics scored(int... correct) {
    List<Integer> labels = new ArrayList<>();
    List<ClassProbabilities> predictions = new ArrayList<>();
    for (int c = 0; c < 4; c++) {
      for (int i = 0; i < 10; i++) {
        labels.add(c);
        int predicted = i < correct[c] ? c : (c + 1) % 4;
        float[] p = {0.1f, 0.1f, 0.1f, 0.1f};
        p[predicted] = 0.7f;
        predictions.add(ClassProbabilities.of(p));
      }
    }
    return EvaluationMetrics.of(labels.stream().mapToInt(Integer::intValue).toArray(), predictions);
  }

  @Test
  void shouldPromoteACandidateThatImprovesBalancedAccuracyWithoutLosingAClass() {
    PromotionGate.Decision d = gate.decide(scored(9, 8, 7, 6), scored(8, 7, 7, 5));
    assertThat(d.promote()).isTrue();
    assertThat(d.reason()).startsWith("promoted: holdout balanced accuracy 0.7500 vs 0.6750");
  }

  @Test
  void shouldRejectACandidateThatDoesNotImproveEnough() {
    PromotionGate.Decision d = gate.decide(scored(8, 7, 7, 5), scored(8, 7, 7, 5));
    assertThat(d.promote()).isFalse();
    assertThat(d.reason()).contains("0.6750 vs 0.6750 (+0.0000, needs +0.0100)");
  }

  @Test
  void shouldRejectACandidateThatIsBetterOnAverageButLosesAClass() {
    // +0.075 balanced accuracy, but Moderate recall falls from 0.5 to 0.2
    PromotionGate.Decision d = gate.decide(scored(10, 10, 10, 2), scored(8, 7, 7, 5));
    assertThat(d.promote()).isFalse();
    assertThat(d.reason()).contains("recall of Moderate_Demented drops 0.5000 -> 0.2000");
  }

  @Test
  void shouldRejectAWorseCandidateNamingEveryFailure() {
    PromotionGate.Decision d = gate.decide(scored(3, 3, 3, 3), scored(8, 7, 7, 5));
    assertThat(d.promote()).isFalse();
    assertThat(d.reason()).contains("needs +0.0100").contains("Non_Demented").contains("Very_Mild_Demented");
  }

  @Test
  void shouldRejectACandidateBetterOnSlicesButWorseOnPatientsWhenTheSeriesCheckIsOn() {
    PromotionGate strict = new PromotionGate(0.01, 0.05, 0.0);
    // slice level improves; series (patient) level loses 0.05
    PromotionGate.Decision d = strict.decide(scored(9, 8, 7, 6), scored(8, 7, 7, 5),
        scored(8, 8, 8, 8), scored(9, 9, 8, 8));
    assertThat(d.promote()).isFalse();
    assertThat(d.reason()).startsWith("rejected: series-level balanced accuracy 0.8000 vs 0.8500")
        .contains("slice level alone would promote");
  }

  @Test
  void shouldPromoteWhenThePatientLevelHoldsAndReportItsFigures() {
    PromotionGate strict = new PromotionGate(0.01, 0.05, 0.0);
    PromotionGate.Decision d = strict.decide(scored(9, 8, 7, 6), scored(8, 7, 7, 5),
        scored(9, 9, 8, 8), scored(9, 9, 8, 8));
    assertThat(d.promote()).isTrue();
    assertThat(d.reason()).contains("series-level balanced accuracy 0.8500 vs 0.8500 (+0.0000)");
  }

  @Test
  void shouldOnlyReportTheSeriesLevelWhenItsCheckIsOff() {
    PromotionGate.Decision d = gate.decide(scored(9, 8, 7, 6), scored(8, 7, 7, 5),
        scored(1, 1, 1, 1), scored(9, 9, 9, 9));
    assertThat(d.promote()).isTrue();
    assertThat(d.reason()).contains("series-level check off");
  }
}
