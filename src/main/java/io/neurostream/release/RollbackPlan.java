package io.neurostream.release;

import io.neurostream.avro.ModelRelease;
import io.neurostream.avro.ReleaseStatus;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The records a rollback publishes, by the classifiers' rule ({@link ReleaseLedger}): a
 * ROLLED_BACK restatement of the served release and a PROMOTED re-release of the chosen one, newer
 * than every record before (whatever the local clock says), to go out in one transaction. Shared
 * by every way an operator rolls back (the {@code models rollback} command, the console), so they
 * cannot disagree.
 */
public final class RollbackPlan {

  private RollbackPlan() {}

  /**
   * Plans serving {@code version} again.
   *
   * @param history the release records in topic order
   * @param reason why, recorded in both records (may be blank)
   * @param force also re-promote a release that was REJECTED
   * @param actor who asks, e.g. "an operator" or "the console"
   * @throws IllegalArgumentException saying what to do instead when the rollback makes no sense
   */
  public static List<ModelRelease> plan(List<ModelRelease> history, String version, String reason,
      boolean force, String actor, Instant now) {
    Map<String, ModelRelease> newest = new LinkedHashMap<>();
    ReleaseLedger ledger = new ReleaseLedger();
    Instant last = Instant.EPOCH;
    for (ModelRelease r : history) {
      newest.put(r.getVersion(), r);
      ledger.record(r);
      if (r.getCreatedAt().isAfter(last)) {
        last = r.getCreatedAt();
      }
    }
    ModelRelease target = newest.get(version);
    if (target == null) {
      throw new IllegalArgumentException("there is no release " + version
          + "; see neurostream models list");
    }
    Optional<ModelRelease> served = ledger.target(Optional.empty());
    if (served.isPresent() && served.get().getVersion().equals(version)) {
      throw new IllegalArgumentException(version + " is already the served release");
    }
    if (target.getStatus() == ReleaseStatus.REJECTED && !force) {
      throw new IllegalArgumentException(version + " was REJECTED (" + target.getReason()
          + "); pass --force to serve it anyway");
    }
    Instant at = now.isAfter(last) ? now : last.plusMillis(1);
    String why = reason == null || reason.isBlank() ? "" : ": " + reason.strip();
    List<ModelRelease> records = new ArrayList<>();
    served.ifPresent(s -> records.add(restated(s, ReleaseStatus.ROLLED_BACK,
        "rolled back to " + version + " by " + actor + why, at)));
    records.add(restated(target, ReleaseStatus.PROMOTED, "re-promoted by rollback"
        + served.map(s -> " from " + s.getVersion()).orElse("") + why, at.plusMillis(1)));
    return records;
  }

  /** {@code release} with another status, reason and decision time; everything else kept. */
  public static ModelRelease restated(ModelRelease release, ReleaseStatus status, String reason,
      Instant at) {
    return ModelRelease.newBuilder(release).setStatus(status).setReason(reason).setCreatedAt(at)
        .build();
  }
}
