package io.neurostream.verdict;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.neurostream.avro.VerdictClosure;

/**
 * The verdict stage's meters: slices counted, re-sent instances ignored, late slices, verdicts by
 * closure, first verdicts versus revisions, and unreadable predictions.
 */
public final class VerdictMetrics {

  private final MeterRegistry registry;

  public VerdictMetrics(MeterRegistry registry) {
    this.registry = registry;
  }

  /** Meters that go nowhere (tests). */
  public static VerdictMetrics discarding() {
    return new VerdictMetrics(new SimpleMeterRegistry());
  }

  void slice() {
    registry.counter("neurostream_verdict_slices_total").increment();
  }

  void duplicate() {
    registry.counter("neurostream_verdict_duplicate_instances_total").increment();
  }

  void lateSlice() {
    registry.counter("neurostream_verdict_late_slices_total").increment();
  }

  void deadLetter() {
    registry.counter("neurostream_verdict_dead_letters_total").increment();
  }

  void verdict(VerdictClosure closedBy, int revision) {
    registry.counter("neurostream_verdicts_total", "closed_by", closedBy.name(),
        "revision", revision == 1 ? "first" : "later").increment();
  }
}
