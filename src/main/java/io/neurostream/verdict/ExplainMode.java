package io.neurostream.verdict;

/** {@code explain.mode}: which slices get a Grad-CAM explanation on {@code mri.explanations}. */
public enum ExplainMode {
  /** None. */
  OFF,
  /** The supporting slices of every series verdict, for the verdict class (the default). */
  VERDICT,
  /** Every classified slice, for its predicted class (costly: one map per slice). */
  ALL;

  /** {@code off}, {@code verdict} or {@code all}. */
  public static ExplainMode parse(String name) {
    return switch (name) {
      case "off" -> OFF;
      case "verdict" -> VERDICT;
      case "all" -> ALL;
      default -> throw new IllegalArgumentException("explain.mode=" + name
          + " is not known; use off, verdict or all");
    };
  }
}
