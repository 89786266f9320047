package io.neurostream.training;

import io.neurostream.avro.DementiaStage;
import io.neurostream.imaging.GrayImage;
import java.util.Objects;

/**
 * One decoded, labeled slice held in memory for training or evaluation.
 *
 * @param image the slice (usually already at the network's input size)
 * @param label its stage
 * @param subject the subject (patient) it belongs to, for subject-level splits; may be synthetic
 *     (one subject per slice) when the data has no subject information
 */
public record TrainingExample(GrayImage image, DementiaStage label, String subject) {
  public TrainingExample {
    Objects.requireNonNull(image, "image");
    Objects.requireNonNull(label, "label");
    Objects.requireNonNull(subject, "subject");
  }

  /** The label as the network's class index. */
  public int labelIndex() {
    return label.ordinal();
  }
}
