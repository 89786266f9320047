package io.neurostream.training;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.Device;
import io.neurostream.avro.DementiaStage;
import io.neurostream.imaging.GrayImage;
import io.neurostream.model.ModelBundle;
import io.neurostream.model.ModelSpec;
import io.neurostream.model.ScanClassifierModel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TrainingTest {

  @TempDir Path dir;

  /** Discs whose radius grows with the class: learnable in a few epochs by a small network. */
  static List<TrainingExample> discs(int perClass, int size, long seed, String subjectPrefix) {
    Random random = new Random(seed);
    List<TrainingExample> out = new ArrayList<>();
    for (DementiaStage stage : DementiaStage.values()) {
      for (int k = 0; k < perClass; k++) {
        float[] px = new float[size * size];
        double r = size * (0.12 + 0.08 * stage.ordinal() + 0.02 * random.nextDouble());
        for (int y = 0; y < size; y++) {
          for (int x = 0; x < size; x++) {
            double v = (Math.hypot(x - size / 2.0, y - size / 2.0) < r ? 0.8 : 0.1) + 0.03 * random.nextGaussian();
            px[y * size + x] = (float) Math.max(0, Math.min(1, v));
          }
        }
        out.add(new TrainingExample(new GrayImage(size, size, px), stage, subjectPrefix + stage.ordinal() + "-" + k));
      }
    }
    return out;
  }

  @Test
  void shouldWriteABundleMetricsAndChartsAndKeepTheBestEpoch() throws Exception {
    // given
    TrainingData data = new TrainingData(discs(12, 40, 1, "t"), discs(4, 40, 2, "v"), discs(4, 40, 3, "h"),
        "synthetic discs", Map.of("source", "test"));
    TrainingOptions options = TrainingOptions.builder()
        .setOutput(dir.resolve("model.bundle"))
        .optSpec(ModelSpec.builder().optDepth(18).optInputSize(40).optHiddenUnits(32).optDropout(0f).build())
        .optEpochs(3)
        .optBatchSize(16)
        .optPatience(3)
        .optSeed(3)
        .optProgress(System.err)
        .build();

    // when
    TrainingResult result = Training.run(options, data);

    // then
    assertThat(result.history()).hasSize(3);
    // the kept epoch is the first with the highest validation balanced accuracy
    int expectedBest = 0;
    double best = 0;
    for (EpochStats epoch : result.history()) {
      if (epoch.validationBalancedAccuracy() > best + 1e-9) {
        best = epoch.validationBalancedAccuracy();
        expectedBest = epoch.epoch();
      }
    }
    assertThat(result.bestEpoch()).isEqualTo(expectedBest).isPositive();
    assertThat(result.holdout().count()).isEqualTo(16);
    assertThat(Files.size(dir.resolve(Training.METRICS_FILE))).isPositive();
    assertThat(Files.size(dir.resolve(Training.CURVES_FILE))).isPositive();
    assertThat(Files.size(dir.resolve(Training.CONFUSION_FILE))).isPositive();
    assertThat(dir.resolve("checkpoints/best.bundle")).exists();
    ModelBundle bundle = ModelBundle.open(result.bundle());
    assertThat(bundle.metadata().metrics()).containsKey("balanced_accuracy");
    assertThat(bundle.metadata().provenance()).containsEntry("best_epoch", Integer.toString(result.bestEpoch()));
    // the bundle holds the kept (best) parameters: re-evaluating it gives the reported validation figure
    try (ScanClassifierModel model = bundle.load(Device.cpu())) {
      EvaluationMetrics again = Evaluation.evaluate(model, data.validation(), 16);
      assertThat(again.balancedAccuracy()).isEqualTo(result.validation().balancedAccuracy());
      assertThat(again.balancedAccuracy())
          .isEqualTo(result.history().get(result.bestEpoch() - 1).validationBalancedAccuracy());
    }
  }
}
