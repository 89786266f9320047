package io.neurostream.console;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class RateWindowTest {

  @Test
  void shouldCountOnlyEventsInTheWindowAndReportTheirPercentiles() {
    // given a 10 s window, events now with latencies 1..100 ms, and old ones read at start-up
    RateWindow w = new RateWindow(10_000, 1000);
    long now = System.currentTimeMillis();
    for (int i = 1; i <= 100; i++) {
      w.record(now - 100, i);
    }
    for (int i = 0; i < 50; i++) {
      w.record(now - 60_000, 9999);
    }

    // then the rate counts the recent ones over the window, and the old ones only in the total
    assertThat(w.perSecond(now)).isEqualTo(10.0);
    assertThat(w.total()).isEqualTo(150);
    assertThat(w.quantile(0.5, now)).isEqualTo(50);
    assertThat(w.quantile(0.99, now)).isEqualTo(99);
    // and once the window has passed, nothing is left
    assertThat(w.perSecond(now + 20_000)).isZero();
    assertThat(w.quantile(0.5, now + 20_000)).isNaN();
  }
}
