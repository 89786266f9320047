package io.neurostream.classifier.release;

/**
 * A model artifact that cannot be served: missing, incomplete, or not the bytes the release
 * promised. The {@link Reason} is the metric label; the message says what to do.
 */
public final class ArtifactException extends Exception {

  /** Why an artifact was refused, as a metric label. */
  public enum Reason {
    NOT_FOUND,
    INCOMPLETE,
    SIZE_MISMATCH,
    SHA256_MISMATCH,
    UNSUPPORTED_URI,
    IO_ERROR,
    LOAD_FAILED
  }

  private final Reason reason;

  public ArtifactException(Reason reason, String message) {
    super(message);
    this.reason = reason;
  }

  public ArtifactException(Reason reason, String message, Throwable cause) {
    super(message, cause);
    this.reason = reason;
  }

  public Reason reason() {
    return reason;
  }
}
