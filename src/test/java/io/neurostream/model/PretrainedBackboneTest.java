package io.neurostream.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.djl.Device;
import ai.djl.engine.Engine;
import ai.djl.nn.Block;
import ai.djl.nn.Parameter;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PretrainedBackboneTest {

  @TempDir Path dir;

  private static List<float[]> values(Block block) {
    return block.getParameters().values().stream().map(Parameter::getArray).map(a -> a.toFloatArray()).toList();
  }

  @Test
  void shouldLoadASavedBackboneIntoAFreshModelAndFreezeIt() throws Exception {
    ModelSpec spec = TestScans.smallSpec();
    Engine.getInstance().setRandomSeed(1);
    try (ScanClassifierModel donor = ScanClassifierModel.create(spec, Normalization.DEFAULT, Device.cpu())) {
      Path file = PretrainedBackbone.save(donor, dir);
      Engine.getInstance().setRandomSeed(2);
      try (ScanClassifierModel target = ScanClassifierModel.create(
          spec.toBuilder().optFrozenBackbone(true).build(), Normalization.DEFAULT, Device.cpu())) {
        List<float[]> headBefore = values(target.network().head());

        String loaded = PretrainedBackbone.load(file.toString(), target);

        assertThat(loaded).contains(file.getFileName().toString());
        assertThat(values(target.network().backbone())).containsExactlyElementsOf(values(donor.network().backbone()));
        assertThat(values(target.network().head())).containsExactlyElementsOf(headBefore);
        assertThat(target.network().backbone().getParameters().values()).noneMatch(Parameter::requiresGradient);
      }
    }
  }

  @Test
  void shouldTakeTheBackboneOfABundle() {
    ModelSpec spec = TestScans.smallSpec();
    try (ScanClassifierModel donor = ScanClassifierModel.create(spec, Normalization.DEFAULT, Device.cpu());
        ScanClassifierModel target = ScanClassifierModel.create(spec, Normalization.DEFAULT, Device.cpu())) {
      Path bundle = dir.resolve("donor.bundle");
      ModelBundle.write(donor, BundleMetadata.of(donor, "d1", null, Map.of(), Map.of()), bundle);

      assertThat(PretrainedBackbone.load(bundle.toString(), target)).contains("version d1");
      assertThat(values(target.network().backbone())).containsExactlyElementsOf(values(donor.network().backbone()));
    }
  }

  @Test
  void shouldRefuseWeightsOfAnotherDepth() throws Exception {
    try (ScanClassifierModel donor = ScanClassifierModel.create(TestScans.smallSpec(), Normalization.DEFAULT, Device.cpu());
        ScanClassifierModel target = ScanClassifierModel.create(
            TestScans.smallSpec().toBuilder().optDepth(34).build(), Normalization.DEFAULT, Device.cpu())) {
      Path file = PretrainedBackbone.save(donor, dir);

      assertThatThrownBy(() -> PretrainedBackbone.load(file.toString(), target))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("do not fit a resnet34 backbone");
    }
  }

  @Test
  void shouldExplainThatTheZooNeedsANetwork() {
    try (ScanClassifierModel target = ScanClassifierModel.create(TestScans.smallSpec(), Normalization.DEFAULT, Device.cpu())) {
      assertThatThrownBy(() -> PretrainedBackbone.load(PretrainedBackbone.IMAGENET_RESNET50, target))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("offline");
    }
  }
}
