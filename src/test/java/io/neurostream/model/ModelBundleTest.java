package io.neurostream.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.djl.Device;
import ai.djl.engine.Engine;
import io.neurostream.imaging.GrayImage;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ModelBundleTest {

  @TempDir static Path dir;
  static Path bundleFile;
  static List<ClassProbabilities> original;
  static final List<GrayImage> IMAGES = TestScans.images(6, 64, 7);

  @BeforeAll
  static void writeBundle() {
    Engine.getInstance().setRandomSeed(11);
    try (ScanClassifierModel model =
            ScanClassifierModel.create(TestScans.smallSpec(), Normalization.DEFAULT, Device.cpu());
        BatchPredictor predictor = model.newBatchPredictor()) {
      original = predictor.predictImages(IMAGES);
      bundleFile = dir.resolve("model.bundle");
      BundleMetadata metadata =
          BundleMetadata.of(model, "v1", null, Map.of("balanced_accuracy", 0.5), Map.of("seed", "11"));
      ModelBundle.write(model, metadata, bundleFile);
    }
  }

  @Test
  void shouldPredictBitIdenticallyAfterARoundTrip() {
    try (ScanClassifierModel loaded = ModelBundle.load(bundleFile, Device.cpu());
        BatchPredictor predictor = loaded.newBatchPredictor()) {
      List<ClassProbabilities> again = predictor.predictImages(IMAGES);

      assertThat(again).isEqualTo(original);
      for (int i = 0; i < again.size(); i++) {
        for (int c = 0; c < 4; c++) {
          assertThat(Float.floatToRawIntBits(again.get(i).probability(c)))
              .isEqualTo(Float.floatToRawIntBits(original.get(i).probability(c)));
        }
      }
    }
  }

  @Test
  void shouldCarryItsMetadata() {
    ModelBundle bundle = ModelBundle.open(bundleFile);

    BundleMetadata m = bundle.metadata();
    assertThat(m.version()).isEqualTo("v1");
    assertThat(m.architecture()).isEqualTo("resnet18-gap-dense32-dense4");
    assertThat(m.inputShape()).containsExactly(3, 48, 48);
    assertThat(m.classNames()).containsExactly(
        "Non_Demented", "Very_Mild_Demented", "Mild_Demented", "Moderate_Demented");
    assertThat(m.normalization()).isEqualTo(Normalization.DEFAULT);
    assertThat(m.metrics()).containsEntry("balanced_accuracy", 0.5);
    assertThat(m.engine()).isEqualTo(Engine.getDefaultEngineName());
    assertThat(bundle.sha256()).isEqualTo(ModelBundle.sha256(bundleFile)).hasSize(64);
  }

  @Test
  void shouldDetectOneFlippedByteAnywhere() throws IOException {
    long size = Files.size(bundleFile);
    // the metadata, the parameters, the central directory and the seal itself
    for (long at : new long[] {40, size / 2, size - 120, size - 1}) {
      Path copy = Files.copy(bundleFile, dir.resolve("flipped-" + at + ".bundle"));
      try (RandomAccessFile f = new RandomAccessFile(copy.toFile(), "rw")) {
        f.seek(at);
        int b = f.read();
        f.seek(at);
        f.write(b ^ 0x01);
      }

      assertThatThrownBy(() -> ModelBundle.open(copy))
          .as("flipped byte at %d", at)
          .isInstanceOf(ModelBundleException.class)
          .hasMessageContaining("re-fetch");
    }
  }

  @Test
  void shouldRejectATruncatedBundle() throws IOException {
    byte[] all = Files.readAllBytes(bundleFile);
    Path truncated = dir.resolve("truncated.bundle");
    Files.write(truncated, java.util.Arrays.copyOf(all, all.length / 3));

    assertThatThrownBy(() -> ModelBundle.open(truncated))
        .isInstanceOf(ModelBundleException.class)
        .hasMessageContaining("truncated");
  }

  @Test
  void shouldRejectAnUnexpectedChecksum() {
    assertThatThrownBy(() -> ModelBundle.open(bundleFile, "0".repeat(64)))
        .isInstanceOf(ModelBundleException.class)
        .hasMessageContaining("not the released one");
  }

  @Test
  void shouldRefuseParametersOfAnotherArchitecture() throws IOException {
    // given a well-sealed bundle whose metadata declares one input channel for 3-channel weights
    Path params = Files.createTempDirectory(dir, "p");
    try (ScanClassifierModel model = ModelBundle.load(bundleFile, Device.cpu())) {
      model.saveParameters(params);
    }
    ModelSpec other = TestScans.smallSpec().toBuilder().optChannels(1).build();
    BundleMetadata lie = ModelBundle.open(bundleFile).metadata();
    lie = new BundleMetadata(lie.format(), "lie", null, other.architecture(), other, other.inputShape(),
        lie.classNames(), lie.normalization(), Map.of(), Map.of(), lie.engine(), lie.engineVersion(),
        lie.djlVersion(), lie.createdAt());
    Path mismatched = dir.resolve("mismatched.bundle");
    BundleArchive.write(
        mismatched, ModelBundle.JSON.writeValueAsBytes(lie), params.resolve("neurostream-0000.params"));

    // when / then: it opens (intact), but does not load
    ModelBundle bundle = ModelBundle.open(mismatched);
    assertThatThrownBy(() -> bundle.load(Device.cpu()))
        .isInstanceOf(ModelBundleException.class)
        .hasMessageContaining("do not fit architecture resnet18-gap-dense32-dense4 with input shape [1, 48, 48]");
  }
}
