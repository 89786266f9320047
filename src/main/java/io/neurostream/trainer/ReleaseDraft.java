package io.neurostream.trainer;

import io.neurostream.avro.ReleaseStatus;
import java.util.Map;
import java.util.Objects;

/**
 * What a release says besides its bundle: the decision and the evidence for it.
 *
 * @param status PROMOTED or REJECTED (ROLLED_BACK records are made from existing releases)
 * @param reason why, in words an operator can act on
 * @param parentVersion the version it was fine-tuned from, or null for an initial release
 * @param metrics holdout metrics of this model
 * @param parentMetrics holdout metrics of the parent on the same holdout (empty without a parent)
 * @param provenance where the training data came from
 */
public record ReleaseDraft(
    ReleaseStatus status,
    String reason,
    String parentVersion,
    Map<String, Double> metrics,
    Map<String, Double> parentMetrics,
    Map<String, String> provenance) {

  public ReleaseDraft {
    Objects.requireNonNull(status, "status");
    Objects.requireNonNull(reason, "reason");
    metrics = Map.copyOf(metrics);
    parentMetrics = Map.copyOf(parentMetrics);
    provenance = Map.copyOf(provenance);
  }
}
