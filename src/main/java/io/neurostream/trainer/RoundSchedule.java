package io.neurostream.trainer;

import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

/**
 * When the trainer starts a round: on demand, once enough labels are new, or when the interval
 * has passed since the last decision and at least one label is new (retraining on the same labels
 * would only repeat the last decision).
 *
 * @param minNewLabels labels since the last round that start one
 * @param interval time since the last decision that starts one; zero for never
 */
public record RoundSchedule(int minNewLabels, Duration interval) {

  /**
   * Why a round is due now, or empty if it is not.
   *
   * @param newLabels labels no round has seen yet
   * @param lastDecision when the newest release record was made, if any
   * @param requested whether a round was asked for (train-now)
   */
  public Optional<String> due(int newLabels, Optional<Instant> lastDecision, Instant now, boolean requested) {
    if (requested) {
      return Optional.of("requested (train-now) with " + newLabels + " new labels");
    }
    if (newLabels >= minNewLabels) {
      return Optional.of(newLabels + " new labels (trainer.min.new.labels=" + minNewLabels + ")");
    }
    boolean timerOn = !interval.isZero();
    if (timerOn && newLabels > 0
        && lastDecision.map(t -> !now.isBefore(t.plus(interval))).orElse(true)) {
      return Optional.of(newLabels + " new labels and " + interval.toMinutes()
          + " minutes since the last round (trainer.interval.minutes)");
    }
    return Optional.empty();
  }
}
