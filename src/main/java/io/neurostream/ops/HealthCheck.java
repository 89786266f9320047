package io.neurostream.ops;

/**
 * One question a probe asks a service ("am I alive?", "am I ready to serve?"), answered with a
 * verdict and a one-line reason an operator can read in the probe's response body.
 */
@FunctionalInterface
public interface HealthCheck {

  /** The verdict of a check and why. */
  record Status(boolean ok, String detail) {
    public static Status up(String detail) {
      return new Status(true, detail);
    }

    public static Status down(String detail) {
      return new Status(false, detail);
    }
  }

  Status check();

  /** Always up: a process that can answer HTTP is alive. */
  static HealthCheck alwaysUp() {
    return () -> Status.up("alive");
  }
}
