package io.neurostream.cli;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.Device;
import io.neurostream.classifier.TinyBundles;
import io.neurostream.model.BundleMetadata;
import io.neurostream.model.ModelBundle;
import io.neurostream.model.Normalization;
import io.neurostream.model.ScanClassifierModel;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ModelsPublishCommandTest {

  @TempDir Path dir;

  /** A real bundle whose metadata says what its training achieved. */
  private Path bundle(String version, Map<String, Double> metrics, Map<String, String> provenance) {
    try (ScanClassifierModel model = ScanClassifierModel.create(TinyBundles.SPEC, Normalization.DEFAULT, Device.cpu())) {
      Path file = dir.resolve(version + ".bundle");
      ModelBundle.write(model, BundleMetadata.of(model, version, null, metrics, provenance), file);
      return file;
    }
  }

  @Test
  void shouldRefuseToPromoteABundleThatLearnedNothingAndNameTheFixes() {
    // given a bundle whose training kept no epoch (validation balanced accuracy 0)
    Path untrained = bundle("v-untrained", Map.of("validation.balanced_accuracy", 0.0), Map.of("best_epoch", "none"));
    // when it is published as PROMOTED (to an unreachable cluster: the check comes first)
    TailCommandTest.Run run = TailCommandTest.run("models", "publish", untrained.toString(),
        "--bootstrap", "127.0.0.1:1", "--registry", "http://127.0.0.1:1");
    // then nothing is published and the error says why and what to do
    assertThat(run.code()).isEqualTo(OneLineErrorHandler.FAILED);
    assertThat(run.err()).contains("model v-untrained learned nothing usable", "best_epoch=none", "--force",
        "--status REJECTED");
  }

  @Test
  void shouldSeeNothingWrongWithATrainedBundle() {
    BundleMetadata trained = ModelBundle.open(bundle("v-trained", Map.of("validation.balanced_accuracy", 0.42),
        Map.of("best_epoch", "3"))).metadata();
    assertThat(UntrainedBundleGuard.problem(trained)).isEmpty();
  }

  @Test
  void shouldFlagAZeroValidationScoreEvenWithoutTheBestEpochNote() {
    BundleMetadata zero = ModelBundle.open(bundle("v-zero", Map.of("validation.balanced_accuracy", 0.0),
        Map.of())).metadata();
    assertThat(UntrainedBundleGuard.problem(zero)).hasValueSatisfying(p -> assertThat(p).contains("0.0000"));
  }
}
