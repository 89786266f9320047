package io.neurostream.model;

import io.neurostream.imaging.GrayImage;
import java.util.Objects;

/**
 * Turns a gray slice into the network's input values: resize to the input size, standardize with
 * the model's {@link Normalization}, replicate gray into the model's channels. Training and
 * inference both go through this class, so a model sees at serving time exactly what it saw in
 * training. Stateless and thread-safe.
 */
public final class ScanPreprocessor {

  private final int size;
  private final int channels;
  private final Normalization normalization;

  public ScanPreprocessor(ModelSpec spec, Normalization normalization) {
    this.size = spec.inputSize();
    this.channels = spec.channels();
    this.normalization = Objects.requireNonNull(normalization, "normalization");
  }

  /** Values per image: channels × size × size. */
  public int valuesPerImage() {
    return channels * size * size;
  }

  /** The image resized to the input size (unchanged if it already has it). */
  public GrayImage resize(GrayImage image) {
    return image.resize(size, size);
  }

  /**
   * Writes {@link #valuesPerImage()} values for {@code image}, channel-major (CHW), into {@code
   * dst} from {@code offset}.
   */
  public void write(GrayImage image, float[] dst, int offset) {
    GrayImage resized = resize(image);
    int plane = size * size;
    System.arraycopy(resized.pixels(), 0, dst, offset, plane);
    normalization.apply(dst, offset, plane);
    for (int c = 1; c < channels; c++) {
      System.arraycopy(dst, offset, dst, offset + c * plane, plane);
    }
  }

  /** The input values of one image, CHW. */
  public float[] toInput(GrayImage image) {
    float[] out = new float[valuesPerImage()];
    write(image, out, 0);
    return out;
  }
}
