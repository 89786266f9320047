package io.neurostream.phantom;

import io.neurostream.avro.DementiaStage;
import java.util.Objects;

/**
 * One synthetic subject of a phantom data set: a pseudonymous id, a stage, the continuous atrophy
 * severity drawn around that stage's mean, and the seed from which its anatomy and slices follow.
 * All slices of a subject share its stage and anatomy.
 *
 * @param id pseudonymous subject id, e.g. {@code sub-0007}
 * @param index zero-based position in the data set
 * @param stage the label of every slice of this subject
 * @param severity atrophy severity in [0, 1]; stages overlap on it
 * @param sliceCount number of axial slices made for this subject
 * @param seed the subject's own seed (derived from the data set seed and the index)
 */
public record PhantomSubject(
    String id, int index, DementiaStage stage, double severity, int sliceCount, long seed) {

  public PhantomSubject {
    Objects.requireNonNull(id, "id");
    Objects.requireNonNull(stage, "stage");
    if (!(severity >= 0 && severity <= 1)) {
      throw new IllegalArgumentException("severity must be in [0, 1], got " + severity);
    }
    if (sliceCount < 1) {
      throw new IllegalArgumentException("sliceCount must be at least 1, got " + sliceCount);
    }
  }
}
