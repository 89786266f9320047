package io.neurostream.ops;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class WaitingTest {

  @Test
  void untilShouldReturnTrueOnceTheConditionHolds() throws InterruptedException {
    AtomicInteger looks = new AtomicInteger();

    boolean held = Waiting.until(() -> looks.incrementAndGet() >= 3, Duration.ofSeconds(30), Duration.ofMillis(1));

    assertThat(held).isTrue();
    assertThat(looks).hasValue(3);
  }

  @Test
  void untilShouldReturnFalseWhenTheTimeoutPassesFirst() throws InterruptedException {
    assertThat(Waiting.until(() -> false, Duration.ofMillis(20), Duration.ofMillis(1))).isFalse();
  }

  @Test
  void untilShouldLetTheConditionEndTheWaitByThrowing() {
    assertThatThrownBy(() -> Waiting.until(() -> {
      throw new IllegalStateException("the classifier stopped");
    }, Duration.ofSeconds(30)))
        .isInstanceOf(IllegalStateException.class)
        .hasMessage("the classifier stopped");
  }

  @Test
  void whileProgressingShouldWaitAsLongAsTheValueMovesAndReturnTrueWhenDone() throws InterruptedException {
    // given a drain that moves one step per look, far more looks than the quiet time allows at once
    AtomicInteger pending = new AtomicInteger(50);

    boolean done = Waiting.whileProgressing(pending::decrementAndGet, p -> p == 0, Duration.ofSeconds(30),
        Duration.ofMillis(1));

    assertThat(done).isTrue();
    assertThat(pending).hasValue(0);
  }

  @Test
  void whileProgressingShouldGiveUpWhenTheValueStalls() throws InterruptedException {
    AtomicInteger looks = new AtomicInteger();

    boolean done = Waiting.whileProgressing(() -> {
      looks.incrementAndGet();
      return 7;
    }, p -> p == 0, Duration.ofMillis(20), Duration.ofMillis(1));

    assertThat(done).isFalse();
    assertThat(looks.get()).isGreaterThan(1);
  }
}
