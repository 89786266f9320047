package io.neurostream.training;

import io.neurostream.avro.DementiaStage;
import java.nio.file.Path;
import java.util.Objects;

/**
 * One labeled slice of a data set on disk. Decoding happens at use time (see {@code
 * io.neurostream.imaging.ImageDecoder}), so a data set of thousands of images costs only paths.
 *
 * @param file the image file (PNG or JPEG)
 * @param subject pseudonymous subject id; splits never put one subject in two parts. When the data
 *     set has no subject information it is a per-image id (see {@link KaggleDataset})
 * @param slice slice index within the subject, or {@link #UNKNOWN_SLICE}
 * @param label the stage
 */
public record LabeledImage(Path file, String subject, int slice, DementiaStage label) {

  /** The slice value when the data set does not say. */
  public static final int UNKNOWN_SLICE = -1;

  public LabeledImage {
    Objects.requireNonNull(file, "file");
    Objects.requireNonNull(label, "label");
    if (subject == null || subject.isBlank()) {
      throw new IllegalArgumentException("subject must not be blank for " + file);
    }
    if (slice < UNKNOWN_SLICE) {
      throw new IllegalArgumentException("slice must be >= 0 (or -1 for unknown), got " + slice);
    }
  }
}
