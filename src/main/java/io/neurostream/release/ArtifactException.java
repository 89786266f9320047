package io.neurostream.release;

/**
 * A model artifact that cannot be served: missing, incomplete, or not the bytes the release
 * promised. The {@link Reason} is the metric label; the message says what to do.
 */
public final class ArtifactException extends Exception {

  /** Why an artifact was refused, as a metric label. */
  public enum Reason {
    /** Not there (yet): e.g. chunks held back by a publisher's open or aborted transaction. */
    NOT_FOUND(true),
    /** Some chunks missing (yet): as above. */
    INCOMPLETE(true),
    SIZE_MISMATCH(false),
    SHA256_MISMATCH(false),
    UNSUPPORTED_URI(false),
    /** Storage trouble, such as an unmounted volume, that may pass. */
    IO_ERROR(true),
    LOAD_FAILED(false);

    private final boolean mayPass;

    Reason(boolean mayPass) {
      this.mayPass = mayPass;
    }

    /**
     * Whether the same release can succeed later without being republished: worth retrying with
     * back-off. The others are final for that release record.
     */
    public boolean mayPass() {
      return mayPass;
    }
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
