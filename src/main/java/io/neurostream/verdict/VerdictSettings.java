package io.neurostream.verdict;

import io.neurostream.avro.SeriesAggregation;
import java.time.Duration;
import java.util.Objects;

/**
 * What the verdict stage needs to know.
 *
 * @param gap {@code verdict.series.gap.ms}: a series with no new slice for this long closes with
 *     {@code GAP} (wall-clock time)
 * @param retention {@code verdict.series.retention.ms}: how long a closed series' state is kept;
 *     within it a re-sent instance is recognised and counted once, and a late slice gives a new
 *     revision; after it a slice of that series starts a new series at revision 1
 * @param aggregation {@code verdict.aggregation}: how slice probabilities are combined
 * @param supportSlices {@code verdict.support.slices}: how many supporting slices a verdict names
 */
public record VerdictSettings(Duration gap, Duration retention, SeriesAggregation aggregation,
    int supportSlices) {

  /** Validates; throws naming the key and the fix. */
  public VerdictSettings {
    Objects.requireNonNull(aggregation, "aggregation");
    if (gap.isNegative() || gap.isZero()) {
      throw new IllegalArgumentException("verdict.series.gap.ms=" + gap.toMillis()
          + " must be positive; set it to how long a series may be quiet before its verdict");
    }
    if (retention.compareTo(gap) < 0) {
      throw new IllegalArgumentException("verdict.series.retention.ms=" + retention.toMillis()
          + " is below verdict.series.gap.ms=" + gap.toMillis()
          + "; raise the retention (it must cover at least the gap)");
    }
    if (supportSlices < 1) {
      throw new IllegalArgumentException("verdict.support.slices=" + supportSlices
          + " must be at least 1");
    }
  }

  /** The defaults: 30 s gap, 24 h retention, mean of probabilities, 3 supporting slices. */
  public static VerdictSettings defaults() {
    return new VerdictSettings(Duration.ofSeconds(30), Duration.ofHours(24),
        SeriesAggregation.MEAN_PROBABILITY, 3);
  }

  /** The same settings with another gap. */
  public VerdictSettings withGap(Duration newGap) {
    return new VerdictSettings(newGap, retention, aggregation, supportSlices);
  }

  /** The same settings with another aggregation. */
  public VerdictSettings withAggregation(SeriesAggregation newAggregation) {
    return new VerdictSettings(gap, retention, newAggregation, supportSlices);
  }

  /** How often open series are checked for the gap: a quarter of it, between 10 ms and 1 s. */
  Duration gapTick() {
    return Duration.ofMillis(Math.max(10, Math.min(1000, gap.toMillis() / 4)));
  }

  /** How often closed series past their retention are purged: between 1 s and 1 min. */
  Duration purgeTick() {
    return Duration.ofMillis(Math.max(1000, Math.min(60_000, retention.toMillis() / 10)));
  }
}
