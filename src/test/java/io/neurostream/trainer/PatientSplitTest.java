package io.neurostream.trainer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.EnumMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

class PatientSplitTest {

  private final PatientSplit split = new PatientSplit(0.2, 0.15, "neurostream-holdout");

  @Test
  void shouldPutAPatientInTheSamePartEveryTime() {
    for (int i = 0; i < 200; i++) {
      String key = "patient-" + i;
      assertThat(new PatientSplit(0.2, 0.15, "neurostream-holdout").partOf(key)).isEqualTo(split.partOf(key));
    }
  }

  @Test
  void shouldSplitPatientsInTheConfiguredProportions() {
    // given
    Map<PatientSplit.Part, Integer> counts = new EnumMap<>(PatientSplit.Part.class);
    int n = 20_000;

    // when
    for (int i = 0; i < n; i++) {
      counts.merge(split.partOf("p" + i), 1, Integer::sum);
    }

    // then
    assertThat(counts.get(PatientSplit.Part.HOLDOUT) / (double) n).isCloseTo(0.20, within(0.015));
    assertThat(counts.get(PatientSplit.Part.VALIDATION) / (double) n).isCloseTo(0.15, within(0.015));
    assertThat(counts.get(PatientSplit.Part.TRAIN) / (double) n).isCloseTo(0.65, within(0.015));
  }

  @Test
  void shouldKeepHoldoutPatientsInTheHoldoutWhenTheHoldoutGrows() {
    // a larger fraction only adds patients to the holdout; none leaves it for training
    PatientSplit larger = new PatientSplit(0.3, 0.15, "neurostream-holdout");
    for (int i = 0; i < 2_000; i++) {
      if (split.partOf("p" + i) == PatientSplit.Part.HOLDOUT) {
        assertThat(larger.partOf("p" + i)).isEqualTo(PatientSplit.Part.HOLDOUT);
      }
    }
  }

  @Test
  void shouldDrawAnotherSplitWithAnotherSalt() {
    PatientSplit other = new PatientSplit(0.2, 0.15, "another");
    long differing = java.util.stream.IntStream.range(0, 1000)
        .filter(i -> other.partOf("p" + i) != split.partOf("p" + i)).count();
    assertThat(differing).isGreaterThan(200);
  }
}
