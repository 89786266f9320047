package io.neurostream.demo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.neurostream.avro.DementiaStage;
import io.neurostream.phantom.PhantomGenerator;
import io.neurostream.training.KaggleDataset;
import io.neurostream.training.LabeledImage;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DemoCohortTest {

  @TempDir Path dir;

  private final PhantomGenerator generator = PhantomGenerator.builder().setSeed(3).optSize(32)
      .optProportions(0.35, 0.3, 0.2, 0.15).build();

  @Test
  void shouldSplitBySubjectWithEveryStageOnBothSides() {
    // when 24 subjects × 3 slices are split 8 / 16
    DemoCohort cohort = DemoCohort.generate(dir, generator, 24, 3, 8, 5, n -> { });

    // then no subject is on both sides, and every stage is on both
    Set<String> initial = KaggleDataset.load(cohort.initialSet()).stream().map(LabeledImage::subject)
        .collect(Collectors.toSet());
    Set<String> streamed = cohort.stream().stream().map(StreamScan::patientKey).collect(Collectors.toSet());
    assertThat(initial).doesNotContainAnyElementsOf(streamed);
    assertThat(initial.size() + streamed.size()).isEqualTo(24);
    assertThat(cohort.initialSubjectCount()).isEqualTo(initial.size());
    assertThat(cohort.stream()).hasSize(streamed.size() * 3);
    for (DementiaStage s : DementiaStage.values()) {
      assertThat(cohort.initialSubjects().get(s)).as("initial " + s).isPositive();
      assertThat(cohort.streamSubjects().get(s)).as("stream " + s).isPositive();
    }
  }

  @Test
  void shouldStreamEachSubjectsSlicesTogetherWithUniqueReproducibleUids() {
    DemoCohort first = DemoCohort.generate(dir.resolve("a"), generator, 20, 4, 6, 5, n -> { });
    DemoCohort again = DemoCohort.generate(dir.resolve("b"), generator, 20, 4, 6, 5, n -> { });

    List<StreamScan> stream = first.stream();
    // a subject's slices are consecutive and in slice order, one study and series per subject
    List<String> runs = new ArrayList<>();
    for (int i = 0; i < stream.size(); i++) {
      StreamScan s = stream.get(i);
      if (i == 0 || !stream.get(i - 1).patientKey().equals(s.patientKey())) {
        runs.add(s.patientKey());
      } else {
        assertThat(s.slice()).isEqualTo(stream.get(i - 1).slice() + 1);
        assertThat(s.studyInstanceUid()).isEqualTo(stream.get(i - 1).studyInstanceUid());
      }
    }
    assertThat(runs).doesNotHaveDuplicates();
    assertThat(stream.stream().map(StreamScan::sopInstanceUid).collect(Collectors.toSet())).hasSize(stream.size());
    assertThat(new HashSet<>(stream.stream().map(StreamScan::studyInstanceUid).toList())).hasSize(runs.size());
    // the same seed gives the same stream, UIDs included
    assertThat(again.stream()).extracting(StreamScan::sopInstanceUid)
        .containsExactlyElementsOf(stream.stream().map(StreamScan::sopInstanceUid).toList());
    assertThat(stream).allSatisfy(s -> assertThat(s.file()).exists());
  }

  @Test
  void shouldRefuseAnInitialSetThatLeavesNothingToStream() {
    assertThatThrownBy(() -> DemoCohort.generate(dir, generator, 10, 2, 10, 5, n -> { }))
        .hasMessageContaining("--initial-subjects 10");
  }
}
