package io.neurostream.imaging;

import java.awt.image.BufferedImage;
import java.awt.image.DataBufferByte;
import java.util.Arrays;

/**
 * A single-channel image with intensities in [0, 1], row-major ({@code pixels[y * width + x]}). It
 * is the one form every decoder produces and every model consumes.
 *
 * <p>The pixel array is not copied on construction (slices flow through the classifier at high
 * rates); whoever builds a {@code GrayImage} hands the array over and must not change it afterwards.
 *
 * @param width columns, at least 1
 * @param height rows, at least 1
 * @param pixels {@code width * height} intensities, each in [0, 1]
 */
public record GrayImage(int width, int height, float[] pixels) {

  /** Resize uses area averaging along an axis when it shrinks by at least this factor. */
  private static final double AREA_AVERAGING_FACTOR = 2.0;

  public GrayImage {
    if (width < 1 || height < 1) {
      throw new IllegalArgumentException("image size must be at least 1x1, got " + width + "x" + height);
    }
    if (pixels == null) {
      throw new IllegalArgumentException("pixels must not be null");
    }
    if ((long) width * height != pixels.length) {
      throw new IllegalArgumentException(
          "pixels has " + pixels.length + " values but " + width + "x" + height + " needs "
              + (long) width * height);
    }
    for (int i = 0; i < pixels.length; i++) {
      float v = pixels[i];
      // written so that NaN fails too
      if (!(v >= 0f && v <= 1f)) {
        throw new IllegalArgumentException(
            "pixel " + i + " (x=" + i % width + ", y=" + i / width + ") is " + v
                + "; intensities must be in [0, 1]");
      }
    }
  }

  /** The intensity at column {@code x}, row {@code y}. */
  public float pixel(int x, int y) {
    if (x < 0 || x >= width || y < 0 || y >= height) {
      throw new IndexOutOfBoundsException("(" + x + ", " + y + ") outside " + width + "x" + height);
    }
    return pixels[y * width + x];
  }

  /**
   * This image resampled to {@code newWidth × newHeight}. Each axis is resampled separately:
   * bilinear (pixel centres aligned) when it grows or shrinks by less than 2×, area averaging when
   * it shrinks by 2× or more, so that a 512-pixel slice brought down to 128 keeps its fine structure
   * averaged rather than aliased. Returns {@code this} when the size is unchanged.
   */
  public GrayImage resize(int newWidth, int newHeight) {
    if (newWidth < 1 || newHeight < 1) {
      throw new IllegalArgumentException(
          "target size must be at least 1x1, got " + newWidth + "x" + newHeight);
    }
    if (newWidth == width && newHeight == height) {
      return this;
    }
    Kernel kx = Kernel.of(width, newWidth);
    Kernel ky = Kernel.of(height, newHeight);
    // horizontal pass: height rows of newWidth
    float[] tmp = new float[height * newWidth];
    for (int y = 0; y < height; y++) {
      int row = y * width;
      int out = y * newWidth;
      for (int x = 0; x < newWidth; x++) {
        tmp[out + x] = kx.apply(pixels, row, 1, x);
      }
    }
    // vertical pass
    float[] dst = new float[newHeight * newWidth];
    for (int y = 0; y < newHeight; y++) {
      int out = y * newWidth;
      for (int x = 0; x < newWidth; x++) {
        dst[out + x] = ky.apply(tmp, x, newWidth, y);
      }
    }
    return new GrayImage(newWidth, newHeight, dst);
  }

  /** This image as 8-bit gray, rounding each intensity to the nearest of 256 levels. */
  public BufferedImage toBufferedImage() {
    BufferedImage img = new BufferedImage(width, height, BufferedImage.TYPE_BYTE_GRAY);
    byte[] data = ((DataBufferByte) img.getRaster().getDataBuffer()).getData();
    for (int i = 0; i < pixels.length; i++) {
      data[i] = (byte) Math.round(pixels[i] * 255f);
    }
    return img;
  }

  /** This image as an 8-bit grayscale PNG (intensities rounded to 256 levels). */
  public byte[] toPng() {
    return PngEncoder.gray8(width, height, toU8());
  }

  /** Row-major 8-bit intensities, as in {@code ImageEncoding.RAW_U8}. */
  public byte[] toU8() {
    byte[] out = new byte[pixels.length];
    for (int i = 0; i < pixels.length; i++) {
      out[i] = (byte) Math.round(pixels[i] * 255f);
    }
    return out;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof GrayImage g
        && g.width == width
        && g.height == height
        && Arrays.equals(g.pixels, pixels);
  }

  @Override
  public int hashCode() {
    return 31 * (31 * width + height) + Arrays.hashCode(pixels);
  }

  @Override
  public String toString() {
    return "GrayImage[" + width + "x" + height + "]";
  }

  /** Per-output-index source taps and weights for resampling one axis. */
  private record Kernel(int[] start, float[][] weights) {

    static Kernel of(int srcLen, int dstLen) {
      double scale = (double) srcLen / dstLen;
      int[] start = new int[dstLen];
      float[][] weights = new float[dstLen][];
      if (scale >= AREA_AVERAGING_FACTOR) {
        for (int d = 0; d < dstLen; d++) {
          double lo = d * scale;
          double hi = Math.min(srcLen, (d + 1) * scale);
          int first = (int) Math.floor(lo);
          int last = Math.min(srcLen - 1, (int) Math.ceil(hi) - 1);
          float[] w = new float[last - first + 1];
          for (int s = first; s <= last; s++) {
            double overlap = Math.min(hi, s + 1) - Math.max(lo, s);
            w[s - first] = (float) (overlap / (hi - lo));
          }
          start[d] = first;
          weights[d] = w;
        }
      } else {
        for (int d = 0; d < dstLen; d++) {
          double src = (d + 0.5) * scale - 0.5;
          src = Math.max(0, Math.min(srcLen - 1, src));
          int i0 = (int) Math.floor(src);
          int i1 = Math.min(srcLen - 1, i0 + 1);
          float f = (float) (src - i0);
          start[d] = i0;
          weights[d] = i1 == i0 ? new float[] {1f} : new float[] {1f - f, f};
        }
      }
      return new Kernel(start, weights);
    }

    /** Weighted sum along the axis; {@code offset + index * stride} addresses the source. */
    float apply(float[] src, int offset, int stride, int d) {
      float[] w = weights[d];
      int base = offset + start[d] * stride;
      float sum = 0f;
      for (int k = 0; k < w.length; k++) {
        sum += w[k] * src[base + k * stride];
      }
      // rounding can push a weighted mean of values in [0, 1] a hair outside it
      return Math.min(1f, Math.max(0f, sum));
    }
  }
}
