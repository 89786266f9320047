package io.neurostream.ops;

import io.neurostream.serde.SchemaRegistryException;
import java.io.InterruptedIOException;
import java.net.ConnectException;
import java.net.NoRouteToHostException;
import java.net.SocketException;
import java.net.UnknownHostException;
import java.net.http.HttpTimeoutException;
import java.nio.channels.ClosedChannelException;
import java.util.IdentityHashMap;
import java.util.Map;
import java.util.Optional;
import org.apache.kafka.common.errors.AuthenticationException;
import org.apache.kafka.common.errors.AuthorizationException;
import org.apache.kafka.common.errors.RetriableException;

/**
 * The one place that decides whether a failure may pass by itself or needs a fix. Every service
 * asks it the same question about the same error, so the scan path, the release path and the
 * label path cannot disagree again (the release follower once dropped a release for good on the
 * very registry outage the scan path retried).
 *
 * <ul>
 *   <li>{@link Kind#TRANSIENT}: the other side could not be reached or was busy — the schema
 *       registry gave no answer, a 5xx, 408 or 429; a Kafka {@link RetriableException} (timeouts,
 *       leader moves, coordinator loading); refused, reset or timed-out connections and unknown
 *       hosts (DNS in a starting cluster). Callers retry with back-off and report the stall to a
 *       {@link Watchdog}, which turns {@code /live} false if it outlasts the deadline.
 *   <li>{@link Kind#PERMANENT}: everything else — a registry 4xx (unknown schema id, incompatible
 *       schema, bad credentials), Kafka authentication or authorization errors, bad bytes. Callers
 *       dead-letter the record, refuse the release or stop with the message naming the fix.
 * </ul>
 *
 * <p>The cause chain is walked from the outermost exception inwards; the first exception that
 * says something decides.
 */
public final class Faults {

  /** Whether a failure may pass by itself. */
  public enum Kind {
    TRANSIENT,
    PERMANENT
  }

  private Faults() {}

  /** Classifies {@code failure} by the first exception in its cause chain that decides. */
  public static Kind classify(Throwable failure) {
    Map<Throwable, Boolean> seen = new IdentityHashMap<>();
    for (Throwable t = failure; t != null && seen.put(t, Boolean.TRUE) == null; t = t.getCause()) {
      Optional<Kind> kind = decide(t);
      if (kind.isPresent()) {
        return kind.get();
      }
    }
    return Kind.PERMANENT;
  }

  /** Whether {@code failure} may pass by itself: retry it rather than give up on the work. */
  public static boolean isTransient(Throwable failure) {
    return classify(failure) == Kind.TRANSIENT;
  }

  private static Optional<Kind> decide(Throwable t) {
    if (t instanceof SchemaRegistryException r) {
      int status = r.httpStatus();
      boolean passes = status == 0 || status >= 500 || status == 408 || status == 429;
      return Optional.of(passes ? Kind.TRANSIENT : Kind.PERMANENT);
    }
    if (t instanceof AuthenticationException || t instanceof AuthorizationException) {
      return Optional.of(Kind.PERMANENT);
    }
    if (t instanceof RetriableException) {
      return Optional.of(Kind.TRANSIENT);
    }
    if (t instanceof ConnectException || t instanceof NoRouteToHostException
        || t instanceof UnknownHostException || t instanceof HttpTimeoutException
        || t instanceof InterruptedIOException || t instanceof ClosedChannelException
        || t instanceof SocketException) {
      return Optional.of(Kind.TRANSIENT);
    }
    return Optional.empty();
  }
}
