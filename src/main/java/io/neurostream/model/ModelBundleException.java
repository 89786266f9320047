package io.neurostream.model;

/**
 * A model bundle that cannot be written, verified or loaded: corrupted, truncated, of an unknown
 * format, or not matching the architecture it declares. The message says which and what to do.
 */
public final class ModelBundleException extends RuntimeException {

  private static final long serialVersionUID = 1L;

  public ModelBundleException(String message) {
    super(message);
  }

  public ModelBundleException(String message, Throwable cause) {
    super(message, cause);
  }
}
