package io.neurostream.classifier;

/**
 * Why a scan cannot be classified: the stage, a machine-readable error type (a metric label and
 * the DeadLetter's {@code errorType}, e.g. {@code PAYLOAD_TOO_LARGE}) and a message that names the
 * fix where there is one.
 */
public record ScanRejection(FailureStage stage, String errorType, String message) {

  public static ScanRejection of(FailureStage stage, String errorType, String message) {
    return new ScanRejection(stage, errorType, message);
  }
}
