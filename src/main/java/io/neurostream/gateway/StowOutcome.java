package io.neurostream.gateway;

import java.util.ArrayList;
import java.util.List;

/**
 * What became of the instances of one STOW-RS request: those stored (acknowledged by Kafka) and
 * those that failed with a reason, and the HTTP status PS3.18 gives that mix: 200 when all are
 * stored, 202 when some are, 409 when none is, and 503 (with Retry-After) when none is and some
 * failure is transient, so that clients and routers send the request again.
 */
final class StowOutcome {

  /** An instance's identity in a response. */
  record Instance(String sopClassUid, String sopInstanceUid) {}

  /** A failed instance, its reason and the human-readable detail (logged, and a Warning header). */
  record Failure(Instance instance, FailureReason reason, String detail) {}

  private final List<Instance> stored = new ArrayList<>();
  private final List<Failure> failed = new ArrayList<>();

  void stored(Instance instance) {
    stored.add(instance);
  }

  void failed(Instance instance, FailureReason reason, String detail) {
    failed.add(new Failure(instance, reason, detail));
  }

  List<Instance> stored() {
    return List.copyOf(stored);
  }

  List<Failure> failed() {
    return List.copyOf(failed);
  }

  boolean isEmpty() {
    return stored.isEmpty() && failed.isEmpty();
  }

  /** True when nothing was stored and a retry could succeed. */
  boolean retryable() {
    return stored.isEmpty() && failed.stream().anyMatch(f -> f.reason().retryable());
  }

  /** The response status PS3.18 (10.5.3) gives this outcome. */
  int httpStatus() {
    if (failed.isEmpty()) {
      return 200;
    }
    if (!stored.isEmpty()) {
      return 202;
    }
    return retryable() ? 503 : 409;
  }
}
