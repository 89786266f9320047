package io.neurostream.trainer;

import ai.djl.Device;
import ai.djl.engine.Engine;
import io.neurostream.config.CommonKeys;
import io.neurostream.config.ConfigSources;
import io.neurostream.config.Configuration;
import io.neurostream.model.BundleMetadata;
import io.neurostream.model.ModelBundle;
import io.neurostream.model.ModelSpec;
import io.neurostream.model.Normalization;
import io.neurostream.model.ScanClassifierModel;
import io.neurostream.platform.KafkaStack;
import java.nio.file.Path;
import java.util.Map;

/** Trainer test helpers over the shared {@link KafkaStack}: a small network and trainer settings. */
final class TestStack {

  /** A small network for tests: ResNet18 at 40 px with a narrow head. */
  static final ModelSpec SMALL =
      ModelSpec.builder().optDepth(18).optInputSize(40).optHiddenUnits(32).optDropout(0f).build();

  private TestStack() {}

  static TrainerConfig trainerConfig(KafkaStack stack, Path stateDir, Map<String, String> more) {
    Map<String, String> s = stack.settings(stateDir);
    s.putAll(more);
    return TrainerConfig.from(Configuration.load(
        ConfigSources.builder().optEnv(Map.of()).optOverrides(s).build(),
        new CommonKeys(), new TrainerKeys()));
  }

  /** A bundle of a freshly initialized small network. */
  static Path randomBundle(Path dir, String version, int seed) {
    Engine.getInstance().setRandomSeed(seed);
    try (ScanClassifierModel model = ScanClassifierModel.create(SMALL, Normalization.DEFAULT, Device.cpu())) {
      return ModelBundle.write(model, BundleMetadata.of(model, version, null, Map.of(), Map.of()),
          dir.resolve(version + ".bundle")).path();
    }
  }
}
