package io.neurostream.verdict;

import io.neurostream.config.ConfigKey;
import io.neurostream.config.ConfigKeySet;
import io.neurostream.config.Configuration;
import io.neurostream.config.ValueType;
import java.time.Duration;
import java.util.List;

/**
 * Keys of the verdict stage, read by {@code neurostream verdict} and by
 * {@code neurostream classifier}, which runs the stage in the same process unless
 * {@code verdict.enabled=false}.
 */
public final class VerdictKeys implements ConfigKeySet {

  public static final ConfigKey<Boolean> ENABLED = ConfigKey.of(
      "verdict.enabled", ValueType.bool(), true,
      "Run the series verdict stage inside the classifier process (its own Kafka Streams "
          + "application, verdict.application.id). Set false when verdicts run as "
          + "'neurostream verdict' deployments of their own.");

  public static final ConfigKey<String> APPLICATION_ID = ConfigKey.of(
      "verdict.application.id", ValueType.string(), "neurostream-verdict",
      "Kafka Streams application id of the verdict stage: instances with the same id share the "
          + "series.");

  public static final ConfigKey<Duration> SERIES_GAP = ConfigKey.of(
      "verdict.series.gap.ms", ValueType.millis(Duration.ofMillis(10), Duration.ofDays(1)),
      Duration.ofSeconds(30),
      "A series with no new slice for this long (wall-clock time) gets its verdict, closed by GAP.");

  public static final ConfigKey<Duration> SERIES_RETENTION = ConfigKey.of(
      "verdict.series.retention.ms", ValueType.millis(Duration.ofSeconds(1), Duration.ofDays(365)),
      Duration.ofHours(24),
      "How long a closed series is remembered: within it a re-sent instance (same SOP Instance "
          + "UID) counts once and a late slice gives a new revision; after it the series starts "
          + "again at revision 1.");

  public static final ConfigKey<String> AGGREGATION = ConfigKey.of(
      "verdict.aggregation", ValueType.oneOf("mean-prob", "mean-log-prob"), "mean-prob",
      "How slice probabilities become series probabilities: mean-prob (arithmetic mean per "
          + "class) or mean-log-prob (mean log-probability per class, renormalised).");

  public static final ConfigKey<Integer> SUPPORT_SLICES = ConfigKey.of(
      "verdict.support.slices", ValueType.intIn(1, 64), 3,
      "How many slices a verdict names as its most supporting (highest verdict-class probability).");

  public static final ConfigKey<String> EXPLAIN_MODE = ConfigKey.of(
      "explain.mode", ValueType.oneOf("off", "verdict", "all"), "verdict",
      "Grad-CAM explanations on mri.explanations: off; verdict (the supporting slices of each "
          + "series verdict, for the verdict class); all (every slice, for its predicted class).");

  @Override
  public String service() {
    return "verdict";
  }

  @Override
  public List<ConfigKey<?>> keys() {
    return List.of(ENABLED, APPLICATION_ID, SERIES_GAP, SERIES_RETENTION, AGGREGATION,
        SUPPORT_SLICES, EXPLAIN_MODE);
  }

  @Override
  public List<String> check(Configuration c) {
    try {
      VerdictConfig.settings(c);
      return List.of();
    } catch (IllegalArgumentException e) {
      return List.of(e.getMessage());
    }
  }
}
