package io.neurostream.gateway;

/**
 * A request body that is not well-formed {@code multipart/related}: answered 400 Bad Request with
 * the message, which says what is wrong.
 */
class MultipartException extends RuntimeException {

  private static final long serialVersionUID = 1L;

  MultipartException(String message) {
    super(message);
  }

  /** A body longer than {@code gateway.max.request.bytes}: answered 413 Payload Too Large. */
  static final class TooLarge extends MultipartException {
    private static final long serialVersionUID = 1L;

    TooLarge(String message) {
      super(message);
    }
  }
}
