package io.neurostream.training;

import io.neurostream.imaging.GrayImage;
import java.util.Random;

/**
 * Random, label-preserving changes to a training slice: a small rotation and shift, a left-right
 * flip, and an intensity jitter (gain, gamma, offset). Applied to the training set only, on the
 * image at the network's input size, before normalization.
 *
 * @param maxRotationDegrees rotation drawn from ±this
 * @param maxShiftFraction shift along each axis drawn from ±this × size
 * @param flipProbability probability of a left-right flip (brains are nearly symmetric)
 * @param intensityJitter gain, gamma and offset vary by up to this fraction
 */
public record Augmentation(
    double maxRotationDegrees, double maxShiftFraction, double flipProbability, double intensityJitter) {

  /** Defaults that keep anatomy plausible: ±10°, ±6% shift, flips half the time, ±10% intensity. */
  public static final Augmentation DEFAULT = new Augmentation(10, 0.06, 0.5, 0.1);

  /** No change at all. */
  public static final Augmentation NONE = new Augmentation(0, 0, 0, 0);

  /** A randomly changed copy of {@code image} (same size); {@code image} is not modified. */
  public GrayImage apply(GrayImage image, Random random) {
    int w = image.width();
    int h = image.height();
    double angle = Math.toRadians((random.nextDouble() * 2 - 1) * maxRotationDegrees);
    double dx = (random.nextDouble() * 2 - 1) * maxShiftFraction * w;
    double dy = (random.nextDouble() * 2 - 1) * maxShiftFraction * h;
    boolean flip = random.nextDouble() < flipProbability;
    double gain = 1 + (random.nextDouble() * 2 - 1) * intensityJitter;
    double gamma = Math.exp((random.nextDouble() * 2 - 1) * intensityJitter);
    double offset = (random.nextDouble() * 2 - 1) * intensityJitter * 0.3;

    double cos = Math.cos(angle);
    double sin = Math.sin(angle);
    double cx = (w - 1) / 2.0;
    double cy = (h - 1) / 2.0;
    float[] src = image.pixels();
    float[] dst = new float[w * h];
    for (int y = 0; y < h; y++) {
      for (int x = 0; x < w; x++) {
        // inverse mapping: where in the source does this output pixel come from
        double ox = x - cx - dx;
        double oy = y - cy - dy;
        double sx = cos * ox + sin * oy + cx;
        double sy = -sin * ox + cos * oy + cy;
        if (flip) {
          sx = w - 1 - sx;
        }
        double v = bilinear(src, w, h, sx, sy);
        v = gain * Math.pow(v, gamma) + offset;
        dst[y * w + x] = (float) Math.min(1, Math.max(0, v));
      }
    }
    return new GrayImage(w, h, dst);
  }

  /** Bilinear sample; outside the image is background (0). */
  private static double bilinear(float[] src, int w, int h, double x, double y) {
    int x0 = (int) Math.floor(x);
    int y0 = (int) Math.floor(y);
    double fx = x - x0;
    double fy = y - y0;
    double v00 = at(src, w, h, x0, y0);
    double v10 = at(src, w, h, x0 + 1, y0);
    double v01 = at(src, w, h, x0, y0 + 1);
    double v11 = at(src, w, h, x0 + 1, y0 + 1);
    return (v00 * (1 - fx) + v10 * fx) * (1 - fy) + (v01 * (1 - fx) + v11 * fx) * fy;
  }

  private static double at(float[] src, int w, int h, int x, int y) {
    return x < 0 || y < 0 || x >= w || y >= h ? 0 : src[y * w + x];
  }
}
