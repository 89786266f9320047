package io.neurostream.classifier;

import ai.djl.Device;
import ai.djl.engine.Engine;
import io.neurostream.model.BundleMetadata;
import io.neurostream.model.ModelBundle;
import io.neurostream.model.ModelSpec;
import io.neurostream.model.Normalization;
import io.neurostream.model.ScanClassifierModel;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Real model bundles small enough for integration tests: ResNet18 at 48 px with a 16-unit head
 * (random weights; what they predict does not matter, that the real model path runs does).
 */
public final class TinyBundles {

  public static final ModelSpec SPEC =
      ModelSpec.builder().optDepth(18).optInputSize(48).optHiddenUnits(16).build();

  private TinyBundles() {}

  /** Writes one bundle of version {@code version} to {@code file}. */
  public static Path write(Path file, String version) {
    return write(file.getParent(), List.of(version)).get(0);
  }

  /** Writes one bundle per version into {@code dir} ({@code <version>.bundle}), same weights. */
  public static List<Path> write(Path dir, List<String> versions) {
    Engine.getInstance().setRandomSeed(7);
    List<Path> files = new ArrayList<>();
    try (ScanClassifierModel model =
        ScanClassifierModel.create(SPEC, Normalization.DEFAULT, Device.cpu())) {
      String parent = null;
      for (String version : versions) {
        BundleMetadata metadata = BundleMetadata.of(model, version, parent, Map.of(),
            Map.of("purpose", "integration test"));
        Path file = dir.resolve(version + ".bundle");
        ModelBundle.write(model, metadata, file);
        files.add(file);
        parent = version;
      }
    }
    return files;
  }
}
