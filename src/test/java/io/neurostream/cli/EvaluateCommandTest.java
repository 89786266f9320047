package io.neurostream.cli;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.Device;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.neurostream.avro.DementiaStage;
import io.neurostream.imaging.GrayImage;
import io.neurostream.model.BundleMetadata;
import io.neurostream.model.ModelBundle;
import io.neurostream.model.ModelSpec;
import io.neurostream.model.Normalization;
import io.neurostream.model.ScanClassifierModel;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class EvaluateCommandTest {

  @TempDir Path dir;

  @Test
  void shouldEvaluateTheWholeFolderWhenSubjectsAreUnknownAndSaySo() throws Exception {
    // given: 2 slices per class with Kaggle-style names (no subjects) and an untrained small model
    Path data = dir.resolve("data");
    Random random = new Random(1);
    for (DementiaStage stage : DementiaStage.values()) {
      Files.createDirectories(data.resolve(stage.name()));
      for (int i = 0; i < 2; i++) {
        float[] px = new float[50 * 50];
        for (int j = 0; j < px.length; j++) {
          px[j] = random.nextFloat();
        }
        Files.write(data.resolve(stage.name()).resolve("img" + i + ".png"), new GrayImage(50, 50, px).toPng());
      }
    }
    Path bundle = dir.resolve("m.bundle");
    ModelSpec spec = ModelSpec.builder().optDepth(18).optInputSize(40).optHiddenUnits(16).build();
    try (ScanClassifierModel model = ScanClassifierModel.create(spec, Normalization.DEFAULT, Device.cpu())) {
      ModelBundle.write(model, BundleMetadata.of(model, "t1", null, Map.of(), Map.of()), bundle);
    }
    Path json = dir.resolve("eval.json");
    PrintStream stdout = System.out;
    ByteArrayOutputStream printed = new ByteArrayOutputStream();

    // when
    int exit;
    try {
      System.setOut(new PrintStream(printed, true));
      exit = NeuroStream.commandLine().execute(
          "evaluate", "--model", bundle.toString(), "--data", data.toString(), "--json", json.toString(),
          "--device", "cpu");
    } finally {
      System.setOut(stdout);
    }

    // then
    assertThat(exit).isZero();
    JsonNode report = new ObjectMapper().readTree(json.toFile());
    assertThat(report.get("evaluated").asText()).contains("whole folder").contains("no subject information");
    assertThat(report.at("/metrics/count").asInt()).isEqualTo(8);
    assertThat(report.at("/metrics/confusion").size()).isEqualTo(4);
    assertThat(report.at("/flat/balanced_accuracy").isNumber()).isTrue();
    // without subject information every image is its own subject
    assertThat(report.at("/series/count").asInt()).isEqualTo(8);
    assertThat(report.at("/series_flat/balanced_accuracy").isNumber()).isTrue();
    assertThat(printed.toString()).contains("balanced accuracy").contains("confusion matrix")
        .contains("slice level").contains("subject (series) level");
  }

  @Test
  void shouldFailWithTheFixWhenTheBundleIsMissing() {
    int exit = NeuroStream.commandLine().execute(
        "evaluate", "--model", dir.resolve("nope.bundle").toString(), "--data", dir.toString());

    assertThat(exit).isEqualTo(1);
  }
}
