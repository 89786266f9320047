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

  public static final ConfigKey<List<java.net.URI>> RESULTS_URL = ConfigKey.optional(
      "results.dicomweb.url", ValueType.httpUrls(),
      "When set, the DICOMweb root of the PACS (e.g. http://pacs:8042/dicom-web) that gets every "
          + "series verdict back by STOW-RS, as a Secondary Capture in a new series of the same "
          + "study; the study's patient module is read there by QIDO-RS. See "
          + "docs/pacs-integration.md.");

  public static final ConfigKey<String> RESULTS_BEARER_TOKEN = ConfigKey.optional(
      "results.dicomweb.auth.bearer.token", ValueType.string(),
      "When set, requests to results.dicomweb.url carry 'Authorization: Bearer <token>'.")
      .asSecret();

  public static final ConfigKey<String> RESULTS_BASIC_USER_INFO = ConfigKey.optional(
      "results.dicomweb.auth.basic.user.info", ValueType.string(),
      "When set (user:password), requests to results.dicomweb.url use HTTP basic auth.")
      .asSecret();

  public static final ConfigKey<Duration> RESULTS_EXPLANATION_WAIT = ConfigKey.of(
      "results.explanation.wait.ms", ValueType.millis(Duration.ZERO, Duration.ofHours(1)),
      Duration.ofSeconds(60),
      "How long a verdict waits for the Grad-CAM explanation of its top slice before it is sent "
          + "with the plain slice (not waited for when explain.mode=off).");

  public static final ConfigKey<Duration> RESULTS_RETRY_MAX = ConfigKey.of(
      "results.retry.backoff.max.ms", ValueType.millis(Duration.ofMillis(10), Duration.ofHours(1)),
      Duration.ofSeconds(60),
      "Longest pause between retries of a send that failed with a 5xx, 408, 429 or a connection "
          + "error (the pause doubles from 1 s up to this; such sends are retried until they "
          + "succeed).");

  @Override
  public String service() {
    return "verdict";
  }

  @Override
  public List<ConfigKey<?>> keys() {
    return List.of(ENABLED, APPLICATION_ID, SERIES_GAP, SERIES_RETENTION, AGGREGATION,
        SUPPORT_SLICES, EXPLAIN_MODE, RESULTS_URL, RESULTS_BEARER_TOKEN, RESULTS_BASIC_USER_INFO,
        RESULTS_EXPLANATION_WAIT, RESULTS_RETRY_MAX);
  }

  @Override
  public List<String> check(Configuration c) {
    try {
      VerdictConfig.settings(c);
      ResultsConfig.from(c);
      return List.of();
    } catch (IllegalArgumentException e) {
      return List.of(e.getMessage());
    }
  }
}
