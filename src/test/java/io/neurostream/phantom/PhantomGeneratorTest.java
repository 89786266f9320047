package io.neurostream.phantom;

import io.neurostream.imaging.GrayImage;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.neurostream.avro.DementiaStage;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class PhantomGeneratorTest {

  private static final PhantomGenerator SEEDED = PhantomGenerator.builder().setSeed(7).build();

  @Test
  void shouldFollowTheSeedDatasetsClassProportions() {
    assertThat(SEEDED.subjectsPerStage(200)).containsExactly(100, 70, 28, 2);
    assertThat(SEEDED.subjectsPerStage(1000)).containsExactly(500, 350, 140, 10);
  }

  @Test
  void shouldHaveAModerateSubjectWheneverThereAreAtLeastFour() {
    for (int n = 4; n <= 60; n++) {
      int[] counts = SEEDED.subjectsPerStage(n);
      assertThat(counts[DementiaStage.Moderate_Demented.ordinal()]).as("n=%d", n).isGreaterThanOrEqualTo(1);
      assertThat(counts[0] + counts[1] + counts[2] + counts[3]).isEqualTo(n);
    }
    assertThat(SEEDED.subjectsPerStage(3)[3]).isZero();
  }

  @Test
  void shouldMakePseudonymousSubjectsWithTheirStageCounts() {
    List<PhantomSubject> subjects = SEEDED.subjects(40, 4);

    assertThat(subjects).extracting(PhantomSubject::id).startsWith("sub-0000", "sub-0001").doesNotHaveDuplicates();
    Map<DementiaStage, Integer> counts = new EnumMap<>(DementiaStage.class);
    subjects.forEach(s -> counts.merge(s.stage(), 1, Integer::sum));
    int[] expected = SEEDED.subjectsPerStage(40);
    for (DementiaStage s : DementiaStage.values()) {
      assertThat(counts.getOrDefault(s, 0)).isEqualTo(expected[s.ordinal()]);
    }
  }

  @Test
  void shouldBeDeterministicForASeedAndDifferForAnother() {
    PhantomGenerator again = PhantomGenerator.builder().setSeed(7).build();
    PhantomGenerator other = PhantomGenerator.builder().setSeed(8).build();
    PhantomSubject s = SEEDED.subjects(5, 3).get(2);

    assertThat(again.subjects(5, 3)).isEqualTo(SEEDED.subjects(5, 3));
    assertThat(again.render(s, 1).toPng()).isEqualTo(SEEDED.render(s, 1).toPng());
    assertThat(other.subjects(5, 3).get(2).seed()).isNotEqualTo(s.seed());
    assertThat(SEEDED.render(s, 0)).isNotEqualTo(SEEDED.render(s, 1));
  }

  @Test
  void shouldDrawAHeadOnADarkBackground() {
    PhantomSubject s = SEEDED.subjects(1, 3).get(0);
    GrayImage img = SEEDED.render(s, 1);

    assertThat(img.width()).isEqualTo(128);
    assertThat(img.height()).isEqualTo(128);
    double corner = mean(img, 0, 0, 8);
    double centre = mean(img, 56, 56, 16);
    assertThat(corner).isLessThan(0.1);
    assertThat(centre).isGreaterThan(0.3);
  }

  @Test
  void shouldEnlargeCsfSpacesWithStage() {
    // given many subjects per stage, each rendered at the level of the lateral ventricles
    PhantomGenerator gen = PhantomGenerator.builder().setSeed(3).optSize(96)
        .optProportions(1, 1, 1, 1).build();
    List<PhantomSubject> subjects = gen.subjects(48, 5);
    double[] sum = new double[4];
    int[] n = new int[4];
    // when measuring the fraction of dark (CSF) pixels inside the skull
    for (PhantomSubject s : subjects) {
      GrayImage img = gen.render(s, 3);
      sum[s.stage().ordinal()] += darkFractionInsideHead(img);
      n[s.stage().ordinal()]++;
    }
    // then it grows from stage to stage
    double[] mean = new double[4];
    for (int k = 0; k < 4; k++) {
      mean[k] = sum[k] / n[k];
    }
    assertThat(mean[1]).isGreaterThan(mean[0]);
    assertThat(mean[2]).isGreaterThan(mean[1]);
    assertThat(mean[3]).isGreaterThan(mean[2]);
  }

  @Test
  void shouldLetNeighbouringStagesOverlapInSeverity() {
    List<PhantomSubject> subjects = PhantomGenerator.builder().setSeed(1)
        .optProportions(1, 1, 1, 1).build().subjects(400, 1);
    for (int k = 0; k < 3; k++) {
      DementiaStage lower = DementiaStage.values()[k];
      DementiaStage upper = DementiaStage.values()[k + 1];
      double maxLower = subjects.stream().filter(s -> s.stage() == lower)
          .mapToDouble(PhantomSubject::severity).max().orElseThrow();
      double minUpper = subjects.stream().filter(s -> s.stage() == upper)
          .mapToDouble(PhantomSubject::severity).min().orElseThrow();
      assertThat(maxLower).as("%s vs %s", lower, upper).isGreaterThan(minUpper);
    }
  }

  @Test
  void shouldRejectBadOptions() {
    assertThatThrownBy(() -> PhantomGenerator.builder().build()).hasMessageContaining("setSeed");
    assertThatThrownBy(() -> PhantomGenerator.builder().optProportions(1, 1)).hasMessageContaining("4 weights");
    assertThatThrownBy(() -> PhantomGenerator.builder().optProportions(0, 0, 0, 0)).hasMessageContaining("zero");
    assertThatThrownBy(() -> PhantomGenerator.builder().optSize(8)).hasMessageContaining("32..1024");
    assertThatThrownBy(() -> SEEDED.render(SEEDED.subjects(1, 2).get(0), 2)).hasMessageContaining("has 2");
  }

  private static double mean(GrayImage img, int x0, int y0, int n) {
    double s = 0;
    for (int y = y0; y < y0 + n; y++) {
      for (int x = x0; x < x0 + n; x++) {
        s += img.pixel(x, y);
      }
    }
    return s / (n * n);
  }

  /** Dark pixels within the central disc (inside the skull of every phantom). */
  private static double darkFractionInsideHead(GrayImage img) {
    int w = img.width();
    double r = w * 0.28;
    int dark = 0;
    int all = 0;
    for (int y = 0; y < w; y++) {
      for (int x = 0; x < w; x++) {
        double dx = x + 0.5 - w / 2.0;
        double dy = y + 0.5 - w / 2.0;
        if (dx * dx + dy * dy < r * r) {
          all++;
          if (img.pixel(x, y) < 0.3) {
            dark++;
          }
        }
      }
    }
    return (double) dark / all;
  }
}
