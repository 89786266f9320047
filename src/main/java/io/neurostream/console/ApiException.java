package io.neurostream.console;

/**
 * A request the API refuses, with the HTTP status and a message that says what to do instead;
 * the router turns it into {@code {"error": message}}.
 */
public final class ApiException extends RuntimeException {

  private final int status;

  public ApiException(int status, String message) {
    super(message);
    this.status = status;
  }

  public int status() {
    return status;
  }

  static ApiException notFound(String what) {
    return new ApiException(404, what);
  }

  static ApiException badRequest(String what) {
    return new ApiException(400, what);
  }
}
