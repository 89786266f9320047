package io.neurostream.model;

/** Inference failed inside the engine (not because of the input's bytes; those fail with ImageDecodeException). */
public final class InferenceException extends RuntimeException {

  private static final long serialVersionUID = 1L;

  public InferenceException(String message, Throwable cause) {
    super(message, cause);
  }
}
