package io.neurostream.trainer;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.lang.ref.WeakReference;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class TrainerMetricsTest {

  @Test
  void shouldReportLabelCountsOnMetricsAfterGarbageCollection() {
    // given label gauges fed by lambdas that nothing but the registry references
    PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    AtomicInteger held = new AtomicInteger(7);
    AtomicInteger fresh = new AtomicInteger(3);
    new TrainerMetrics(registry).watch(held::get, fresh::get, () -> held.get() - fresh.get() - 4);

    // when the collector has run (the supplier is only weakly reachable from a plain gauge)
    collectGarbage();
    String scrape = registry.scrape();

    // then /metrics shows the numbers, not NaN
    assertThat(scrape)
        .contains("neurostream_trainer_labels 7.0")
        .contains("neurostream_trainer_labels_new 3.0")
        .contains("neurostream_trainer_label_records_skipped 0.0");
  }

  private static void collectGarbage() {
    WeakReference<Object> sentinel = new WeakReference<>(new Object());
    for (int i = 0; i < 20 && sentinel.get() != null; i++) {
      System.gc();
    }
    assertThat(sentinel.get()).as("a garbage collection ran").isNull();
  }
}
