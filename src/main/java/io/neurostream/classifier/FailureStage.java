package io.neurostream.classifier;

/** Where in the pipeline a scan failed; the {@code stage} of its DeadLetter. */
public enum FailureStage {
  /** The bytes are not a ScanEvent in the registry's wire format. */
  DESERIALIZE,
  /** A readable ScanEvent that breaks a limit (size, dimensions, missing id). */
  VALIDATE,
  /** The image bytes do not decode in the declared encoding. */
  DECODE,
  /** The model failed on this scan even when run alone. */
  INFERENCE,
  /** The result could not be written. */
  PRODUCE
}
