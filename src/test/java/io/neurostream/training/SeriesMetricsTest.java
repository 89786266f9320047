package io.neurostream.training;

import static org.assertj.core.api.Assertions.assertThat;

import io.neurostream.avro.DementiaStage;
import io.neurostream.avro.SeriesAggregation;
import io.neurostream.imaging.GrayImage;
import io.neurostream.model.ClassProbabilities;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class SeriesMetricsTest {

  private static final GrayImage PIXEL = new GrayImage(1, 1, new float[] {0f});

  @Test
  void shouldCountSubjectsNotSlicesAndFoldTheirSlices() {
    // given two subjects of three slices: subject a (Mild) has one wrong slice of three,
    // subject b (Non) has two wrong slices of three
    List<TrainingExample> examples = new ArrayList<>();
    List<ClassProbabilities> predictions = new ArrayList<>();
    float[] mild = {0.1f, 0.1f, 0.7f, 0.1f};
    float[] non = {0.7f, 0.1f, 0.1f, 0.1f};
    float[] mildWeak = {0.3f, 0.1f, 0.5f, 0.1f};
    for (float[] p : List.of(mild, mild, non)) {
      examples.add(new TrainingExample(PIXEL, DementiaStage.Mild_Demented, "a"));
      predictions.add(ClassProbabilities.of(p));
    }
    for (float[] p : List.of(non, mildWeak, mildWeak)) {
      examples.add(new TrainingExample(PIXEL, DementiaStage.Non_Demented, "b"));
      predictions.add(ClassProbabilities.of(p));
    }

    // when
    EvaluationMetrics series = SeriesMetrics.of(examples, predictions,
        SeriesAggregation.MEAN_PROBABILITY);
    EvaluationMetrics slices = EvaluationMetrics.of(Evaluation.labels(examples), predictions);

    // then two subjects are scored; a is right (mean Mild 0.5 vs Non 0.3), b is wrong
    // (mean Mild 0.367 vs Non 0.433 -> Non: right)
    assertThat(series.count()).isEqualTo(2);
    assertThat(slices.count()).isEqualTo(6);
    assertThat(series.accuracy()).isEqualTo(1.0);
    assertThat(slices.accuracy()).isEqualTo(0.5);
  }
}
