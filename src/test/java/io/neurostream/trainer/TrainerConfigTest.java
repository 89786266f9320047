package io.neurostream.trainer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.neurostream.config.CommonKeys;
import io.neurostream.config.ConfigSources;
import io.neurostream.config.Configuration;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

class TrainerConfigTest {

  private static TrainerConfig load(Map<String, String> overrides) {
    return TrainerConfig.from(Configuration.load(
        ConfigSources.builder().optEnv(Map.of()).optOverrides(overrides).build(),
        new CommonKeys(), new TrainerKeys()));
  }

  @Test
  void shouldDefaultToHeadOnlyRoundsOnKafkaAndTheTrainersOwnOpsPort() {
    TrainerConfig c = load(Map.of());
    assertThat(c.opsPort()).isEqualTo(9405);
    assertThat(c.headOnly()).isTrue();
    assertThat(c.artifacts()).isEqualTo(new ArtifactTarget.KafkaTopic("mri.model-artifacts"));
    assertThat(c.interval()).isEqualTo(Duration.ofMinutes(60));
    assertThat(c.split().holdoutFraction()).isEqualTo(0.2);
  }

  @Test
  void shouldReadTheTrainerKeys() {
    TrainerConfig c = load(Map.of(
        "metrics.port", "0",
        "trainer.artifact.store", "file:///shared/models",
        "trainer.promotion.min.improvement", "0.02",
        "trainer.mode", "full"));
    assertThat(c.opsPort()).isZero();
    assertThat(c.artifacts()).isEqualTo(new ArtifactTarget.Directory(Path.of("/shared/models")));
    assertThat(c.gate().minImprovement()).isEqualTo(0.02);
    assertThat(c.headOnly()).isFalse();
  }

  @Test
  void shouldNameTheKeyAndTheFixOfABadValue() {
    assertThatThrownBy(() -> load(Map.of("trainer.artifact.store", "s3://bucket")))
        .hasMessageContaining("trainer.artifact.store")
        .hasMessageContaining("neither kafka nor file:///dir");
    assertThatThrownBy(() -> load(Map.of("trainer.holdout.fraction", "0.5", "trainer.validation.fraction", "0.4")))
        .hasMessageContaining("leave less than 30% of patients to train on");
    assertThatThrownBy(() -> load(Map.of("trainer.promotion.max.recall.drop", "two")))
        .hasMessageContaining("trainer.promotion.max.recall.drop")
        .hasMessageContaining("not a number");
  }
}
