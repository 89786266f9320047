package io.neurostream.classifier;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.MultiGauge;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * The classifier's meters, named once so dashboards and alerts can rely on them. In Prometheus
 * form: {@code neurostream_scans_in_total}, {@code neurostream_predictions_out_total},
 * {@code neurostream_dead_letters_total{stage,reason}}, {@code neurostream_batch_size},
 * {@code neurostream_inference_latency_seconds}, {@code neurostream_end_to_end_latency_seconds},
 * {@code neurostream_model_info{version}}, {@code neurostream_model_swaps_total},
 * {@code neurostream_releases_refused_total{reason}} and {@code neurostream_consumer_lag_max}.
 */
public final class ClassifierMetrics {

  private final MeterRegistry registry;
  private final Counter scansIn;
  private final Counter predictionsOut;
  private final DistributionSummary batchSize;
  private final Timer inference;
  private final Timer endToEnd;
  private final Counter swaps;
  private final MultiGauge modelInfo;

  public ClassifierMetrics(MeterRegistry registry) {
    this.registry = registry;
    scansIn = Counter.builder("neurostream.scans.in")
        .description("Scan records read from the scans topic").register(registry);
    predictionsOut = Counter.builder("neurostream.predictions.out")
        .description("Predictions forwarded to the predictions topic").register(registry);
    batchSize = DistributionSummary.builder("neurostream.batch.size")
        .description("Scans per inference batch")
        .serviceLevelObjectives(1, 2, 4, 8, 16, 24, 32, 48, 64, 128)
        .register(registry);
    inference = Timer.builder("neurostream.inference.latency")
        .description("Time of one batched inference, decode excluded")
        .publishPercentileHistogram()
        .minimumExpectedValue(Duration.ofMillis(1))
        .maximumExpectedValue(Duration.ofSeconds(60))
        .register(registry);
    endToEnd = Timer.builder("neurostream.end.to.end.latency")
        .description("Scan record timestamp to prediction")
        .publishPercentileHistogram()
        .minimumExpectedValue(Duration.ofMillis(1))
        .maximumExpectedValue(Duration.ofMinutes(10))
        .register(registry);
    swaps = Counter.builder("neurostream.model.swaps")
        .description("Models swapped in while serving").register(registry);
    modelInfo = MultiGauge.builder("neurostream.model.info")
        .description("The model version being served (value 1, version in the label)")
        .register(registry);
    // every refusal reason from the start, at 0: an alert on increase() sees the first refusal
    for (io.neurostream.release.ArtifactException.Reason r
        : io.neurostream.release.ArtifactException.Reason.values()) {
      releaseRefusedCounter(r.name());
    }
    releaseRefusedCounter(UNDECODABLE_RELEASE);
  }

  /** The refusal reason of a release record that is not a readable ModelRelease. */
  static final String UNDECODABLE_RELEASE = "UNDECODABLE_RELEASE";

  private Counter releaseRefusedCounter(String reason) {
    return Counter.builder("neurostream.releases.refused")
        .description("Releases this instance refused to serve, by reason")
        .tag("reason", reason).register(registry);
  }

  /** Meters that go nowhere, for tests and tools that do not expose metrics. */
  public static ClassifierMetrics discarding() {
    return new ClassifierMetrics(new SimpleMeterRegistry());
  }

  public MeterRegistry registry() {
    return registry;
  }

  void scanIn() {
    scansIn.increment();
  }

  void resent() {
    Counter.builder("neurostream.scans.resent")
        .description("Scan records dropped at intake as re-sent copies of a scan already taken in")
        .register(registry).increment();
  }

  void predictionsOut(int count) {
    predictionsOut.increment(count);
  }

  void deadLetter(String stage, String reason) {
    registry.counter("neurostream.dead.letters", "stage", stage, "reason", reason).increment();
  }

  void batch(int size, long inferenceNanos) {
    batchSize.record(size);
    inference.record(inferenceNanos, TimeUnit.NANOSECONDS);
  }

  void endToEnd(long millis) {
    endToEnd.record(Math.max(0, millis), TimeUnit.MILLISECONDS);
  }

  /** Records that {@code version} is now served; the previous label disappears. */
  public void modelServed(String version) {
    modelInfo.register(List.of(MultiGauge.Row.of(Tags.of("version", version), 1)), true);
  }

  public void swapped() {
    swaps.increment();
  }

  public void releaseRefused(String reason) {
    releaseRefusedCounter(reason).increment();
  }

  /** Running totals for the instance's status heartbeat: scans in, predictions out, dead letters, swaps. */
  public java.util.Map<String, Double> totals() {
    double deadLetters = registry.find("neurostream.dead.letters").counters().stream()
        .mapToDouble(Counter::count).sum();
    return java.util.Map.of("scans_in", scansIn.count(), "predictions_out", predictionsOut.count(),
        "dead_letters", deadLetters, "model_swaps", swaps.count());
  }

  /** Exposes the consumer lag read from wherever the caller finds it (Kafka Streams' metrics). */
  public void consumerLag(Supplier<Number> maxLag) {
    Gauge.builder("neurostream.consumer.lag.max", () -> maxLag.get().doubleValue())
        .description("Largest records-lag-max over the classifier's input partitions")
        .register(registry);
  }
}
