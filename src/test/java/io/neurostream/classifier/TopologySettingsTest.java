package io.neurostream.classifier;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import org.junit.jupiter.api.Test;

class TopologySettingsTest {

  @Test
  void shouldDefaultToBatchesOf32Within50Ms() {
    TopologySettings s = TopologySettings.defaults();
    assertThat(s.batchMaxSize()).isEqualTo(32);
    assertThat(s.batchMaxDelayMs()).isEqualTo(50);
  }

  @Test
  void shouldRefuseABatchThatCannotFinishWellWithinMaxPollInterval() {
    assertThatThrownBy(() -> TopologySettings.from(Map.of(
            "batch.max.delay.ms", "900000", "transaction.timeout.ms", "900000")))
        .hasMessageContaining("max.poll.interval.ms=300000")
        .hasMessageContaining("lower batch.max.size or batch.max.delay.ms");
  }

  @Test
  void shouldNameTheTransactionTimeoutWhenItIsTheTighterLimit() {
    assertThatThrownBy(() -> TopologySettings.from(Map.of(
            "batch.max.size", "64", "inference.max.ms.per.image", "1000")))
        .hasMessageContaining("transaction.timeout.ms=60000");
  }

  @Test
  void shouldNameTheKeyOfAnUnreadableValue() {
    assertThatThrownBy(() -> TopologySettings.from(Map.of("batch.max.size", "lots")))
        .hasMessageContaining("batch.max.size=lots");
    assertThatThrownBy(() -> TopologySettings.from(Map.of("batch.max.size", "0")))
        .hasMessageContaining("batch.max.size=0 must be positive");
  }
}
