package io.neurostream.demo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.neurostream.classifier.ClassifierKeys;
import io.neurostream.config.CommonKeys;
import io.neurostream.config.ConfigException;
import io.neurostream.trainer.TrainerKeys;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ServiceSettingsTest {

  private static ServiceSettings settings(Map<String, String> user) {
    return new ServiceSettings("localhost:1234", "http://localhost:5678", Path.of("state"), user);
  }

  @Test
  void shouldGiveEachServiceItsOwnKeysAndEveryServiceTheKafkaProperties() {
    // given keys of the trainer, the classifier and a Kafka client property
    ServiceSettings s = settings(Map.of("trainer.mode", "full", "batch.max.size", "8", "linger.ms", "7"));

    // when
    Map<String, String> trainer = s.merged(Map.of("trainer.mode", "head"), new CommonKeys(), new TrainerKeys());
    Map<String, String> classifier = s.merged(Map.of(), new CommonKeys(), new ClassifierKeys());

    // then the user's key wins over the demo's, and no service gets another's keys
    assertThat(trainer).containsEntry("trainer.mode", "full").containsEntry("linger.ms", "7")
        .doesNotContainKey("batch.max.size");
    assertThat(classifier).containsEntry("batch.max.size", "8").containsEntry("linger.ms", "7")
        .doesNotContainKey("trainer.mode");
    // and both talk to the demo's platform on free ops ports
    assertThat(classifier).containsEntry("bootstrap.servers", "localhost:1234")
        .containsEntry("schema.registry.url", "http://localhost:5678").containsEntry("metrics.port", "0");
  }

  @Test
  void shouldRefuseToMoveTheDemosOwnPlatform() {
    assertThatThrownBy(() -> settings(Map.of("bootstrap.servers", "kafka:9092")))
        .hasMessageContaining("--set bootstrap.servers cannot be changed in the demo");
  }

  @Test
  void shouldKeepTheDemosFixedKeysOverAnything() {
    Map<String, String> trainer = settings(Map.of()).merged(
        Map.of(TrainerKeys.BOOTSTRAP_BUNDLE.name(), "/w/initial.bundle"), new CommonKeys(), new TrainerKeys());
    assertThat(trainer).containsEntry("trainer.bootstrap.bundle", "/w/initial.bundle");
  }

  @Test
  void shouldFailOnABadValueNamingTheKey() {
    assertThatThrownBy(() -> settings(Map.of("trainer.mode", "sideways"))
        .load(Map.of(), new CommonKeys(), new TrainerKeys()))
        .isInstanceOf(ConfigException.class).hasMessageContaining("trainer.mode");
  }
}
