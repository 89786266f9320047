package io.neurostream.training;

import static org.assertj.core.api.Assertions.assertThat;

import io.neurostream.model.ClassProbabilities;
import java.awt.Color;
import java.awt.image.BufferedImage;
import java.nio.file.Path;
import java.util.List;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TrainingChartsTest {

  @TempDir Path dir;

  @Test
  void emptyConfusionCellsShouldStayVisibleAgainstThePage() throws Exception {
    // given two classes predicted perfectly and two never seen: most cells are zero
    int[] labels = {0, 0, 1, 1};
    List<ClassProbabilities> predicted = List.of(
        ClassProbabilities.of(new float[] {0.9f, 0.05f, 0.03f, 0.02f}),
        ClassProbabilities.of(new float[] {0.8f, 0.1f, 0.05f, 0.05f}),
        ClassProbabilities.of(new float[] {0.1f, 0.8f, 0.05f, 0.05f}),
        ClassProbabilities.of(new float[] {0.1f, 0.7f, 0.1f, 0.1f}));
    Path png = dir.resolve("confusion.png");

    // when
    TrainingCharts.writeConfusionMatrix(EvaluationMetrics.of(labels, predicted), "zeros", png);

    // then a zero cell (row 0, column 3) is tinted, not page white, and its border shows
    BufferedImage img = ImageIO.read(png.toFile());
    int page = img.getRGB(5, 5);
    int left = 190;
    int top = 90;
    int cell = 110;
    int zeroCellInside = img.getRGB(left + 3 * cell + 8, top + 8);
    int zeroCellBorder = img.getRGB(left + 3 * cell, top + cell / 3);
    assertThat(page).isEqualTo(Color.WHITE.getRGB());
    assertThat(zeroCellInside).isNotEqualTo(page);
    assertThat(zeroCellBorder).isNotEqualTo(page).isNotEqualTo(zeroCellInside);
  }

  @Test
  void cellColourShouldDeepenWithTheShareAndNeverBeWhite() {
    assertThat(TrainingCharts.cellColor(0)).isNotEqualTo(Color.WHITE);
    assertThat(TrainingCharts.cellColor(0.5).getRed()).isLessThan(TrainingCharts.cellColor(0).getRed());
    assertThat(TrainingCharts.cellColor(1).getRed()).isLessThan(TrainingCharts.cellColor(0.5).getRed());
  }
}
