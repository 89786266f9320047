package io.neurostream.imaging;

import java.util.Objects;

/**
 * An image that cannot be turned into a {@link GrayImage}. Unchecked so that a stream processor can
 * catch it in one place and publish a dead letter whose {@code errorType} is {@link #reason()}.
 */
public final class ImageDecodeException extends RuntimeException {

  private static final long serialVersionUID = 1L;

  /** Machine-readable reasons; the names are the dead letter {@code errorType} values. */
  public enum Reason {
    /** The bytes are not a valid image of the declared encoding (corrupt, truncated, empty). */
    IMAGE_DECODE_FAILED,
    /** Width or height is zero, negative, or above the configured {@link DecodeLimits}. */
    DIMENSIONS_OUT_OF_RANGE,
    /** A raw payload's length does not match the declared width and height. */
    PAYLOAD_SIZE_MISMATCH,
    /** A valid image in a form this decoder does not handle (e.g. RGB DICOM, 12-bit packed). */
    UNSUPPORTED_PIXEL_FORMAT,
    /**
     * A DICOM file in a transfer syntax without a decoder here (JPEG-LS, HTJ2K, 12-bit lossy JPEG,
     * an unknown UID); the message names the syntax and how to transcode it.
     */
    UNSUPPORTED_TRANSFER_SYNTAX
  }

  private final Reason reason;

  public ImageDecodeException(Reason reason, String message) {
    super(message);
    this.reason = Objects.requireNonNull(reason, "reason");
  }

  public ImageDecodeException(Reason reason, String message, Throwable cause) {
    super(message, cause);
    this.reason = Objects.requireNonNull(reason, "reason");
  }

  /** Why decoding failed, as a stable machine-readable value. */
  public Reason reason() {
    return reason;
  }
}
