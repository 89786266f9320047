package io.neurostream.training;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import ai.djl.Device;
import ai.djl.engine.Engine;
import io.neurostream.model.BundleMetadata;
import io.neurostream.model.ModelBundle;
import io.neurostream.model.ModelSpec;
import io.neurostream.model.Normalization;
import io.neurostream.model.ScanClassifierModel;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class HeadTrainingTest {

  @TempDir Path dir;

  private static final ModelSpec SPEC =
      ModelSpec.builder().optDepth(18).optInputSize(40).optHiddenUnits(16).optDropout(0f).build();

  private final TrainingData data = new TrainingData(
      TrainingTest.discs(10, 40, 1, "t"), TrainingTest.discs(3, 40, 2, "v"),
      TrainingTest.discs(3, 40, 3, "h"), "synthetic discs", Map.of());

  private Path initialBundle() {
    Engine.getInstance().setRandomSeed(5);
    try (ScanClassifierModel model = ScanClassifierModel.create(SPEC, Normalization.DEFAULT, Device.cpu())) {
      return ModelBundle.write(model, BundleMetadata.of(model, "v0", null, Map.of(), Map.of()),
          dir.resolve("v0.bundle")).path();
    }
  }

  private TrainingOptions.Builder headOnly(Path initial, String version, FeatureCache cache) {
    return TrainingOptions.builder()
        .setOutput(dir.resolve(version + ".bundle"))
        .optReportDir(dir.resolve(version))
        .optInitialBundle(initial)
        .optVersion(version)
        .optEpochs(4)
        .optPatience(4)
        .optBatchSize(8)
        .optLearningRate(3e-3f)
        .optFeatureCache(cache)
        .optProgress(null);
  }

  @Test
  void shouldTrainTheHeadOnAugmentedImagesAndKeepAFrozenBackboneIntact() {
    // given an initial model whose backbone is frozen (as after train --backbone --freeze-backbone)
    ModelSpec frozen = ModelSpec.builder().optDepth(18).optInputSize(40).optHiddenUnits(16)
        .optDropout(0f).optFrozenBackbone(true).build();
    Path v0;
    Engine.getInstance().setRandomSeed(5);
    try (ScanClassifierModel model = ScanClassifierModel.create(frozen, Normalization.DEFAULT, Device.cpu())) {
      v0 = ModelBundle.write(model, BundleMetadata.of(model, "f0", null, Map.of(), Map.of()),
          dir.resolve("f0.bundle")).path();
    }

    // when the whole training loop runs on images (no feature cache), with augmentation
    TrainingResult result = Training.run(headOnly(v0, "f1", null).optEpochs(2).build(), data);

    // then batch-norm statistics and weights of the backbone are bit-identical, and the head learned
    try (ScanClassifierModel before = ModelBundle.load(v0, Device.cpu());
        ScanClassifierModel after = ModelBundle.load(result.bundle(), Device.cpu())) {
      assertThat(BackboneFeatureCache.backboneId(after)).isEqualTo(BackboneFeatureCache.backboneId(before));
      assertThat(after.network().head().getParameters().get(0).getValue().getArray().toFloatArray())
          .isNotEqualTo(before.network().head().getParameters().get(0).getValue().getArray().toFloatArray());
      assertThat(ModelBundle.open(result.bundle()).metadata().provenance())
          .containsEntry("trained", "head only, frozen backbone on augmented images");
    }
    assertThat(result.history()).hasSize(2);
  }

  @Test
  void shouldTrainOnlyTheHeadAndPassEachImageThroughTheBackboneOnce() {
    // given a random initial model and an empty cache
    Path v0 = initialBundle();
    BackboneFeatureCache cache = BackboneFeatureCache.inMemory();
    int images = data.train().size() + data.validation().size() + data.test().size();

    // when two rounds fine-tune the head, the second from the first's result
    TrainingResult first = Training.run(headOnly(v0, "v1", cache).build(), data);
    TrainingResult second = Training.run(headOnly(first.bundle(), "v2", cache).build(), data);

    // then every image went through the backbone exactly once over both rounds
    assertThat(cache.computedCount()).isEqualTo(images);
    assertThat(second.history()).isNotEmpty();
    try (ScanClassifierModel before = ModelBundle.load(v0, Device.cpu());
        ScanClassifierModel after = ModelBundle.load(second.bundle(), Device.cpu())) {
      // the backbone is untouched and the head has learned
      assertThat(BackboneFeatureCache.backboneId(after)).isEqualTo(BackboneFeatureCache.backboneId(before));
      assertThat(after.network().head().getParameters().get(0).getValue().getArray().toFloatArray())
          .isNotEqualTo(before.network().head().getParameters().get(0).getValue().getArray().toFloatArray());
      assertThat(ModelBundle.open(second.bundle()).metadata().provenance())
          .containsEntry("trained", "head only, on cached backbone features");
    }
  }

  @Test
  void shouldScoreOnCachedFeaturesExactlyAsTheWholeNetworkDoes() {
    // given
    Path v0 = initialBundle();
    try (ScanClassifierModel model = ModelBundle.load(v0, Device.cpu())) {
      // when
      EvaluationMetrics whole = Evaluation.evaluate(model, data.test(), 8);
      EvaluationMetrics cached = Evaluation.evaluate(model, data.test(), 8, BackboneFeatureCache.inMemory());

      // then
      assertThat(cached.balancedAccuracy()).isEqualTo(whole.balancedAccuracy());
      assertThat(cached.logLoss()).isCloseTo(whole.logLoss(), within(1e-4));
    }
  }

  @Test
  void shouldReuseFeaturesPersistedByAnEarlierCacheAndDropATruncatedRecord() throws IOException {
    // given features persisted by one cache, the last record cut short as by a crash
    Path v0 = initialBundle();
    Path features = dir.resolve("features");
    List<TrainingExample> examples = new ArrayList<>(data.test());
    try (ScanClassifierModel model = ModelBundle.load(v0, Device.cpu())) {
      new BackboneFeatureCache(features, null).features(model, examples);
      Path file;
      try (Stream<Path> files = Files.list(features)) {
        file = files.findFirst().orElseThrow();
      }
      try (FileChannel ch = FileChannel.open(file, StandardOpenOption.WRITE)) {
        ch.truncate(ch.size() - 10);
      }

      // when a new cache (a restarted trainer) asks for the same features
      BackboneFeatureCache restarted = new BackboneFeatureCache(features, null);
      float[][] again = restarted.features(model, examples);

      // then only the damaged record is computed again
      assertThat(restarted.computedCount()).isEqualTo(1);
      assertThat(again).hasNumberOfRows(examples.size());
      assertThat(new BackboneFeatureCache(features, null).features(model, examples)).isDeepEqualTo(again);
    }
  }
}
