package io.neurostream.model;

import com.fasterxml.jackson.annotation.JsonSubTypes;
import com.fasterxml.jackson.annotation.JsonTypeInfo;
import com.fasterxml.jackson.annotation.JsonTypeName;

/**
 * How intensities in [0, 1] are standardized before they enter the network. The choice is part of
 * a model: it is recorded in the bundle's metadata and the translator applies the same one at
 * inference as training did.
 */
@JsonTypeInfo(use = JsonTypeInfo.Id.NAME, property = "kind")
@JsonSubTypes({
  @JsonSubTypes.Type(Normalization.PerImageZScore.class),
  @JsonSubTypes.Type(Normalization.Fixed.class)
})
public sealed interface Normalization permits Normalization.PerImageZScore, Normalization.Fixed {

  /** The default: per-image z-score, since MRI intensities have no absolute unit. */
  Normalization DEFAULT = new PerImageZScore();

  /**
   * Standardizes {@code pixels[offset .. offset+length)} in place.
   *
   * @param pixels intensities in [0, 1]
   */
  void apply(float[] pixels, int offset, int length);

  /**
   * Subtracts the image's own mean and divides by its own standard deviation, so that scanner gain
   * and contrast differences between sites do not shift the input distribution.
   */
  @JsonTypeName("per-image-z-score")
  record PerImageZScore() implements Normalization {
    /** Below this standard deviation an image is treated as flat (no division by ~0). */
    private static final double MIN_STD = 1e-3;

    @Override
    public void apply(float[] pixels, int offset, int length) {
      double sum = 0;
      double sumSq = 0;
      for (int i = offset; i < offset + length; i++) {
        sum += pixels[i];
        sumSq += (double) pixels[i] * pixels[i];
      }
      double mean = sum / length;
      double var = Math.max(0, sumSq / length - mean * mean);
      float m = (float) mean;
      float inv = (float) (1.0 / Math.max(MIN_STD, Math.sqrt(var)));
      for (int i = offset; i < offset + length; i++) {
        pixels[i] = (pixels[i] - m) * inv;
      }
    }
  }

  /**
   * Subtracts a fixed mean and divides by a fixed standard deviation (e.g. the training set's).
   *
   * @param mean intensity mean to subtract
   * @param std standard deviation to divide by; positive
   */
  @JsonTypeName("fixed")
  record Fixed(float mean, float std) implements Normalization {
    public Fixed {
      if (!(std > 0f) || !Float.isFinite(mean)) {
        throw new IllegalArgumentException(
            "fixed normalization needs a finite mean and a positive std, got mean=" + mean
                + " std=" + std);
      }
    }

    @Override
    public void apply(float[] pixels, int offset, int length) {
      float inv = 1f / std;
      for (int i = offset; i < offset + length; i++) {
        pixels[i] = (pixels[i] - mean) * inv;
      }
    }
  }
}
