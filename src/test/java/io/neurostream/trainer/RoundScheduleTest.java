package io.neurostream.trainer;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class RoundScheduleTest {

  private final RoundSchedule schedule = new RoundSchedule(100, Duration.ofMinutes(60));
  private final Instant now = Instant.parse("2026-01-01T12:00:00Z");

  @Test
  void shouldStartARoundOnceEnoughLabelsAreNew() {
    assertThat(schedule.due(99, Optional.of(now), now, false)).isEmpty();
    assertThat(schedule.due(100, Optional.of(now), now, false)).hasValueSatisfying(
        why -> assertThat(why).contains("100 new labels"));
  }

  @Test
  void shouldStartARoundWhenTheIntervalPassedAndSomeLabelIsNew() {
    Instant hourAgo = now.minus(Duration.ofMinutes(60));
    assertThat(schedule.due(1, Optional.of(hourAgo.plusSeconds(1)), now, false)).isEmpty();
    assertThat(schedule.due(1, Optional.of(hourAgo), now, false)).isPresent();
    assertThat(schedule.due(0, Optional.of(hourAgo), now, false)).isEmpty();
  }

  @Test
  void shouldStartARoundOnRequestWhateverTheLabels() {
    assertThat(schedule.due(0, Optional.of(now), now, true)).hasValueSatisfying(
        why -> assertThat(why).startsWith("requested"));
  }

  @Test
  void shouldNotUseTheTimerWhenTheIntervalIsZero() {
    RoundSchedule noTimer = new RoundSchedule(100, Duration.ZERO);
    assertThat(noTimer.due(5, Optional.of(now.minus(Duration.ofDays(30))), now, false)).isEmpty();
  }
}
