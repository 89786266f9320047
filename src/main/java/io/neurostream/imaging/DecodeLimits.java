package io.neurostream.imaging;

/**
 * Bounds on the image dimensions a decoder accepts. They are checked against the header before any
 * pixel is decoded, so a small file that claims to be 100,000 × 100,000 pixels (a decompression
 * bomb) is refused without allocating its pixels.
 *
 * @param maxWidth largest accepted width in pixels
 * @param maxHeight largest accepted height in pixels
 */
public record DecodeLimits(int maxWidth, int maxHeight) {

  /** 4096 × 4096: far above any MRI slice, far below what would exhaust a classifier's heap. */
  public static final DecodeLimits DEFAULT = new DecodeLimits(4096, 4096);

  public DecodeLimits {
    if (maxWidth < 1 || maxHeight < 1) {
      throw new IllegalArgumentException(
          "decode limits must be positive, got " + maxWidth + "x" + maxHeight + "; use e.g. 4096x4096");
    }
  }

  /**
   * Throws {@link ImageDecodeException.Reason#DIMENSIONS_OUT_OF_RANGE} unless {@code 1 <= width <=
   * maxWidth} and {@code 1 <= height <= maxHeight}.
   *
   * @param what names the source in the message, e.g. "PNG header"
   */
  public void check(int width, int height, String what) {
    if (width < 1 || height < 1 || width > maxWidth || height > maxHeight) {
      throw new ImageDecodeException(
          ImageDecodeException.Reason.DIMENSIONS_OUT_OF_RANGE,
          what + " declares " + width + "x" + height + " pixels; accepted is 1x1 to "
              + maxWidth + "x" + maxHeight);
    }
  }
}
