package io.neurostream.demo;

import io.neurostream.avro.ModelRelease;
import io.neurostream.avro.ReleaseStatus;
import java.util.Map;
import java.util.Optional;

/**
 * A model release as the demo saw it on {@code mri.model-releases}: the trainer's decision and the
 * holdout figures it was based on.
 *
 * @param version the model version
 * @param parentVersion what it was fine-tuned from, or null for an initial release
 * @param status PROMOTED, REJECTED or ROLLED_BACK
 * @param reason the trainer's words
 * @param metrics the model's holdout metrics
 * @param parentMetrics the parent's metrics on the same holdout
 * @param createdAt when it was decided (epoch ms)
 */
public record ReleaseEvent(
    String version,
    String parentVersion,
    ReleaseStatus status,
    String reason,
    Map<String, Double> metrics,
    Map<String, Double> parentMetrics,
    long createdAt) {

  public ReleaseEvent {
    metrics = Map.copyOf(metrics);
    parentMetrics = Map.copyOf(parentMetrics);
  }

  /** From the Avro record. */
  public static ReleaseEvent of(ModelRelease r) {
    return new ReleaseEvent(r.getVersion(), r.getParentVersion(), r.getStatus(), r.getReason(),
        r.getMetrics(), r.getParentMetrics(), r.getCreatedAt().toEpochMilli());
  }

  /** Holdout balanced accuracy of this model, if the release carries it. */
  public Optional<Double> balancedAccuracy() {
    return Optional.ofNullable(metrics.get("balanced_accuracy"));
  }

  /** Holdout balanced accuracy of the parent on the same holdout, if the release carries it. */
  public Optional<Double> parentBalancedAccuracy() {
    return Optional.ofNullable(parentMetrics.get("balanced_accuracy"));
  }

  /** Whether this is a fine-tune decision (it has a parent), as opposed to an initial release. */
  public boolean isFineTune() {
    return parentVersion != null;
  }
}
