package io.neurostream.trainer;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;

/** The trainer's Prometheus metrics ({@code neurostream_trainer_*}). */
final class TrainerMetrics {

  private final MeterRegistry registry;
  private final Timer roundTime;
  private final AtomicReference<Double> servedBalancedAccuracy = new AtomicReference<>(Double.NaN);

  TrainerMetrics(MeterRegistry registry) {
    this.registry = registry;
    this.roundTime = Timer.builder("neurostream.trainer.round")
        .description("Wall time of a training round, from labels to published release")
        .register(registry);
    Gauge.builder("neurostream.trainer.served.balanced.accuracy", servedBalancedAccuracy, AtomicReference::get)
        .description("Holdout balanced accuracy of the served release, as its release says")
        .register(registry);
    // every outcome from the start, at 0: alerts on increase() see the first failed round
    for (String outcome : OUTCOMES) {
      rounds(outcome);
    }
  }

  /** The outcomes a round can have. */
  static final java.util.List<String> OUTCOMES = java.util.List.of("promoted", "rejected", "skipped",
      "failed");

  private Counter rounds(String outcome) {
    return Counter.builder("neurostream.trainer.rounds")
        .description("Training rounds by outcome")
        .tag("outcome", outcome)
        .register(registry);
  }

  /** Counts a round by outcome: promoted, rejected, skipped, failed. */
  void round(String outcome, Duration took) {
    rounds(outcome).increment();
    if (took != null) {
      roundTime.record(took);
    }
  }

  void served(double balancedAccuracy) {
    servedBalancedAccuracy.set(balancedAccuracy);
  }

  /**
   * Live figures read when scraped: labels held, new labels, skipped label records. Gauges hold
   * their state object weakly and the suppliers are usually lambdas nothing else references, so
   * they are held strongly here; otherwise a garbage collection turns them into NaN.
   */
  void watch(Supplier<Number> labels, Supplier<Number> newLabels, Supplier<Number> skipped) {
    Gauge.builder("neurostream.trainer.labels", labels, s -> s.get().doubleValue())
        .description("Labeled scans held (deduplicated by scan id)")
        .strongReference(true).register(registry);
    Gauge.builder("neurostream.trainer.labels.new", newLabels, s -> s.get().doubleValue())
        .description("Labels no round has seen yet")
        .strongReference(true).register(registry);
    Gauge.builder("neurostream.trainer.label.records.skipped", skipped, s -> s.get().doubleValue())
        .description("Label records that were not readable LabeledScans")
        .strongReference(true).register(registry);
  }
}
