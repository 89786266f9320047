package io.neurostream.gateway;

/**
 * The Failure Reason (0008,1197) values the gateway puts in a STOW-RS response's
 * FailedSOPSequence (PS3.18 10.5.3, with the codes of PS3.4 Annex GG / C-STORE), and whether a
 * client should send the instance again.
 */
enum FailureReason {
  /** Kafka or the schema registry did not acknowledge in time: send again later. */
  OUT_OF_RESOURCES(0xA700, true,
      "Refused: Out of Resources (Kafka or the schema registry is unavailable; retry)"),
  /** The instance belongs to another study than the request URL names. */
  STUDY_MISMATCH(0xA900, false,
      "Error: Data Set Does Not Match SOP Class (Study Instance UID differs from the URL)"),
  /** The instance is not DICOM, is damaged, or is not grayscale image data. */
  CANNOT_UNDERSTAND(0xC000, false, "Error: Cannot Understand"),
  /** A transfer syntax without a decoder (JPEG-LS, HTJ2K). */
  TRANSFER_SYNTAX_NOT_SUPPORTED(0xC122, false, "Referenced Transfer Syntax Not Supported"),
  /** An instance larger than {@code gateway.max.instance.bytes}, or not application/dicom. */
  PROCESSING_FAILURE(0x0110, false, "Processing Failure");

  private final int code;
  private final boolean retryable;
  private final String meaning;

  FailureReason(int code, boolean retryable, String meaning) {
    this.code = code;
    this.retryable = retryable;
    this.meaning = meaning;
  }

  /** The US value of (0008,1197). */
  int code() {
    return code;
  }

  /** Whether sending the same instance again can succeed. */
  boolean retryable() {
    return retryable;
  }

  /** What the code means, for logs and docs. */
  String meaning() {
    return meaning;
  }

  @Override
  public String toString() {
    return String.format("0x%04X %s", code, meaning);
  }
}
