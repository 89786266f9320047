package io.neurostream.training;

import static org.assertj.core.api.Assertions.assertThat;

import io.neurostream.model.ModelBundle;
import io.neurostream.model.ModelSpec;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TrainingTimeBudgetTest {

  @TempDir Path dir;

  @Test
  void shouldStopAfterTheEpochInWhichTheTimeBudgetRunsOut() {
    // given a run of up to 20 epochs with a budget far below one epoch
    TrainingData data = new TrainingData(TrainingTest.discs(8, 40, 1, "t"), TrainingTest.discs(2, 40, 2, "v"),
        TrainingTest.discs(2, 40, 3, "h"), "synthetic discs", Map.of());
    TrainingOptions options = TrainingOptions.builder()
        .setOutput(dir.resolve("model.bundle"))
        .optSpec(ModelSpec.builder().optDepth(18).optInputSize(40).optHiddenUnits(16).build())
        .optEpochs(20)
        .optPatience(20)
        .optBatchSize(8)
        .optMaxDuration(Duration.ofMillis(1))
        .optProgress(null)
        .build();

    // when
    TrainingResult result = Training.run(options, data);

    // then one epoch ran (of at least one batch), was validated, and the bundle says why it stopped
    assertThat(result.history()).hasSize(1);
    assertThat(result.stoppedEarly()).isTrue();
    assertThat(ModelBundle.open(result.bundle()).metadata().provenance())
        .containsEntry("stopped_by_time", "PT0.001S");
  }
}
