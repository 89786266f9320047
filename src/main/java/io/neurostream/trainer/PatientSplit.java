package io.neurostream.trainer;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Locale;
import java.util.Objects;

/**
 * Puts each patient in the holdout, the validation part or the training part by a hash of the
 * pseudonymous patient key, so that the split is the same on every start, in every round and on
 * every machine, all slices of a patient land in the same part, and a holdout patient never enters
 * training, however its labels arrive.
 *
 * @param holdoutFraction share of patients only ever evaluated on (the promotion gate's set)
 * @param validationFraction share of patients that choose the epoch (early stopping)
 * @param salt mixed into the hash; another salt draws another split
 */
public record PatientSplit(double holdoutFraction, double validationFraction, String salt) {

  /** The three parts. */
  public enum Part {
    HOLDOUT,
    VALIDATION,
    TRAIN
  }

  public PatientSplit {
    Objects.requireNonNull(salt, "salt");
    if (!(holdoutFraction > 0 && validationFraction > 0 && holdoutFraction + validationFraction < 1)) {
      throw new IllegalArgumentException("holdout fraction " + holdoutFraction
          + " and validation fraction " + validationFraction + " must be positive and sum below 1");
    }
  }

  /** The part of the patient with this key. */
  public Part partOf(String patientKey) {
    double u = unit(patientKey);
    if (u < holdoutFraction) {
      return Part.HOLDOUT;
    }
    return u < holdoutFraction + validationFraction ? Part.VALIDATION : Part.TRAIN;
  }

  /** The patient's position in [0, 1): the first 64 bits of SHA-256(salt, key). */
  double unit(String patientKey) {
    MessageDigest md;
    try {
      md = MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("this Java runtime has no SHA-256", e);
    }
    md.update(salt.getBytes(StandardCharsets.UTF_8));
    md.update((byte) 0);
    md.update(patientKey.getBytes(StandardCharsets.UTF_8));
    long bits = ByteBuffer.wrap(md.digest()).getLong() >>> 11; // 53 bits: exact in a double
    return bits / (double) (1L << 53);
  }

  /** E.g. "by patient-key hash: holdout 20%, validation 15%, train 65%". */
  public String describe() {
    return String.format(Locale.ROOT, "by patient-key hash: holdout %.0f%%, validation %.0f%%, train %.0f%%",
        100 * holdoutFraction, 100 * validationFraction, 100 * (1 - holdoutFraction - validationFraction));
  }
}
