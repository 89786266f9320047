package io.neurostream.training;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.neurostream.avro.DementiaStage;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;

class SubjectSplitTest {

  /** Subjects per class (Non, Very mild, Mild, Moderate), 5 slices each. */
  static List<LabeledImage> images(int... subjectsPerClass) {
    List<LabeledImage> out = new ArrayList<>();
    int id = 0;
    for (int c = 0; c < subjectsPerClass.length; c++) {
      for (int s = 0; s < subjectsPerClass[c]; s++, id++) {
        for (int slice = 0; slice < 5; slice++) {
          String subject = String.format("sub-%04d", id);
          out.add(new LabeledImage(Path.of(subject + "_" + slice + ".png"), subject, slice,
              DementiaStage.values()[c]));
        }
      }
    }
    return out;
  }

  static Set<String> subjects(List<LabeledImage> part) {
    Set<String> s = new HashSet<>();
    part.forEach(i -> s.add(i.subject()));
    return s;
  }

  @Test
  void shouldNeverPutOneSubjectInTwoParts() {
    List<LabeledImage> all = images(100, 70, 28, 2);

    SubjectSplit split = SubjectSplit.split(all, 0.2, 0.1, 42);

    Set<String> train = subjects(split.train());
    Set<String> val = subjects(split.validation());
    Set<String> test = subjects(split.test());
    assertThat(train).doesNotContainAnyElementsOf(val).doesNotContainAnyElementsOf(test);
    assertThat(val).doesNotContainAnyElementsOf(test);
    assertThat(split.train().size() + split.validation().size() + split.test().size()).isEqualTo(all.size());
  }

  @Test
  void shouldStratifyByClass() {
    SubjectSplit split = SubjectSplit.split(images(100, 70, 28, 2), 0.2, 0.1, 42);

    Map<DementiaStage, Integer> test = split.subjectsPerClass().get("test");
    Map<DementiaStage, Integer> val = split.subjectsPerClass().get("validation");
    assertThat(test).containsEntry(DementiaStage.Non_Demented, 20)
        .containsEntry(DementiaStage.Very_Mild_Demented, 14)
        .containsEntry(DementiaStage.Mild_Demented, 6)
        // two Moderate subjects: one goes to test, one stays in train
        .containsEntry(DementiaStage.Moderate_Demented, 1);
    assertThat(val).containsEntry(DementiaStage.Non_Demented, 10)
        .containsEntry(DementiaStage.Mild_Demented, 3)
        .containsEntry(DementiaStage.Moderate_Demented, 0);
    assertThat(split.subjectsPerClass().get("train")).containsEntry(DementiaStage.Moderate_Demented, 1);
  }

  @Test
  void shouldApplyTheSmallClassRules() {
    // 1 subject: train only; 2: train + test; 3: one in each part
    SubjectSplit split = SubjectSplit.split(images(3, 2, 1, 0), 0.05, 0.05, 1);

    Map<String, Map<DementiaStage, Integer>> counts = split.subjectsPerClass();
    assertThat(counts.get("train")).containsEntry(DementiaStage.Non_Demented, 1)
        .containsEntry(DementiaStage.Very_Mild_Demented, 1).containsEntry(DementiaStage.Mild_Demented, 1);
    assertThat(counts.get("validation")).containsEntry(DementiaStage.Non_Demented, 1)
        .containsEntry(DementiaStage.Very_Mild_Demented, 0).containsEntry(DementiaStage.Mild_Demented, 0);
    assertThat(counts.get("test")).containsEntry(DementiaStage.Non_Demented, 1)
        .containsEntry(DementiaStage.Very_Mild_Demented, 1).containsEntry(DementiaStage.Mild_Demented, 0);
  }

  @Test
  void shouldBeDeterministicForASeedWhateverTheInputOrder() {
    List<LabeledImage> all = images(30, 20, 10, 3);
    List<LabeledImage> shuffled = new ArrayList<>(all);
    Collections.shuffle(shuffled, new Random(9));

    SubjectSplit a = SubjectSplit.split(all, 0.2, 0.1, 7);
    SubjectSplit b = SubjectSplit.split(shuffled, 0.2, 0.1, 7);
    SubjectSplit c = SubjectSplit.split(all, 0.2, 0.1, 8);

    assertThat(subjects(b.test())).isEqualTo(subjects(a.test()));
    assertThat(subjects(b.validation())).isEqualTo(subjects(a.validation()));
    assertThat(SubjectSplit.split(all, 0.2, 0.1, 7)).isEqualTo(a);
    assertThat(subjects(c.test())).isNotEqualTo(subjects(a.test()));
  }

  @Test
  void shouldRejectImpossibleFractions() {
    assertThatThrownBy(() -> SubjectSplit.split(images(4), 0.6, 0.4, 1)).hasMessageContaining("less than 1");
    assertThatThrownBy(() -> SubjectSplit.split(images(4), -0.1, 0.1, 1)).hasMessageContaining(">= 0");
  }
}
