package io.neurostream.ops;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

class WatchdogTest {

  private final AtomicLong now = new AtomicLong(1_000_000_000L);
  private final Watchdog watchdog = new Watchdog(Duration.ofSeconds(60), now::get);

  private void advance(Duration d) {
    now.addAndGet(d.toNanos());
  }

  @Test
  void shouldStayAliveWhileABlockedPartIsWithinTheDeadlineAndSaySo() {
    Watchdog.Part follower = watchdog.part("release-follower");
    follower.blocked("registry unreachable");
    advance(Duration.ofSeconds(59));

    HealthCheck.Status status = watchdog.check();
    assertThat(status.ok()).isTrue();
    assertThat(status.detail()).isEqualTo("alive; release-follower blocked for 59 s: registry unreachable");
  }

  @Test
  void shouldFailOnceAPartHasBeenBlockedPastTheDeadlineCountingFromTheFirstReport() {
    Watchdog.Part follower = watchdog.part("release-follower");
    follower.blocked("registry unreachable");
    advance(Duration.ofSeconds(40));
    follower.blocked("registry still unreachable"); // a later report keeps the start
    advance(Duration.ofSeconds(20));

    HealthCheck.Status status = watchdog.check();
    assertThat(status.ok()).isFalse();
    assertThat(status.detail()).startsWith("release-follower blocked for 60 s: registry still unreachable")
        .contains("liveness deadline 60 s");
  }

  @Test
  void shouldRecoverWhenThePartProgressesAndRestartTheClockOnTheNextBlock() {
    Watchdog.Part follower = watchdog.part("release-follower");
    follower.blocked("registry unreachable");
    advance(Duration.ofMinutes(5));
    assertThat(watchdog.check().ok()).isFalse();

    follower.progressed();
    assertThat(watchdog.check()).isEqualTo(HealthCheck.Status.up("alive"));

    follower.blocked("again");
    advance(Duration.ofSeconds(30));
    assertThat(watchdog.check().ok()).isTrue();
  }

  @Test
  void shouldAskPolledPartsAtEveryCheckAndTimeThemFromTheFirstCheckThatSawTheProblem() {
    AtomicReference<Optional<String>> problem = new AtomicReference<>(Optional.empty());
    watchdog.watch("model", problem::get);
    assertThat(watchdog.check().ok()).isTrue();

    problem.set(Optional.of("no model served: release 7 refused (IO_ERROR)"));
    assertThat(watchdog.check().ok()).isTrue();
    advance(Duration.ofSeconds(61));
    assertThat(watchdog.check().detail()).startsWith("model blocked for 61 s: no model served");
    assertThat(watchdog.check().ok()).isFalse();

    problem.set(Optional.empty());
    assertThat(watchdog.check().ok()).isTrue();
  }

  @Test
  void shouldTreatAFailingCheckAsABlockedPart() {
    watchdog.watch("kafka-streams", () -> {
      throw new IllegalStateException("metrics closed");
    });
    watchdog.check();
    advance(Duration.ofSeconds(61));
    assertThat(watchdog.check().detail()).contains("kafka-streams blocked for 61 s: its check failed");
  }

  @Test
  void shouldRefuseADeadlineThatIsNotPositive() {
    assertThatThrownBy(() -> new Watchdog(Duration.ZERO))
        .hasMessageContaining("must be positive");
  }
}
