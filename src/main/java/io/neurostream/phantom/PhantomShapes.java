package io.neurostream.phantom;

import java.util.SplittableRandom;

/**
 * The phantom's drawing primitives: soft masks, smooth steps and blends, angle wrapping, the
 * texture grid, all in {@link StrictMath} where a transcendental function is needed so the pixels
 * do not depend on the JVM.
 */
final class PhantomShapes {

  static final int TEXTURE_GRID = 7;

  private PhantomShapes() {}

  /** A coarse random grid for smooth tissue texture, sampled bilinearly. */
  static double[] grid(SplittableRandom r) {
    double[] g = new double[TEXTURE_GRID * TEXTURE_GRID];
    for (int k = 0; k < g.length; k++) {
      g[k] = r.nextGaussian();
    }
    return g;
  }

  static double sampleGrid(double[] g, double x, double y) {
    double gx = Math.max(0, Math.min(TEXTURE_GRID - 1.001, (x * 0.5 + 0.5) * (TEXTURE_GRID - 1)));
    double gy = Math.max(0, Math.min(TEXTURE_GRID - 1.001, (y * 0.5 + 0.5) * (TEXTURE_GRID - 1)));
    int ix = (int) gx;
    int iy = (int) gy;
    double fx = gx - ix;
    double fy = gy - iy;
    double a = g[iy * TEXTURE_GRID + ix];
    double b = g[iy * TEXTURE_GRID + ix + 1];
    double c = g[(iy + 1) * TEXTURE_GRID + ix];
    double d = g[(iy + 1) * TEXTURE_GRID + ix + 1];
    return (a * (1 - fx) + b * fx) * (1 - fy) + (c * (1 - fx) + d * fx) * fy;
  }

  /** Soft mask of a rotated ellipse centred at the origin of (dx, dy). */
  static double ellipse(double dx, double dy, double rx, double ry, double edge) {
    return ellipse(dx, dy, rx, ry, 1, 0, edge);
  }

  /** Soft mask of an ellipse rotated by the angle whose cosine and sine are {@code c}, {@code s}. */
  static double ellipse(
      double dx, double dy, double rx, double ry, double c, double s, double edge) {
    double u = c * dx + s * dy;
    double w = -s * dx + c * dy;
    double q = Math.sqrt(u * u / (rx * rx) + w * w / (ry * ry));
    double dist = (q - 1) * Math.min(rx, ry);
    return 1 - step(dist, edge);
  }

  static double step(double t, double edge) {
    double s = (t + edge) / (2 * edge);
    if (s <= 0) {
      return 0;
    }
    if (s >= 1) {
      return 1;
    }
    return s * s * (3 - 2 * s);
  }

  /** 0 at {@code a}, 1 at {@code b}, smooth between (either order). */
  static double smooth(double a, double b, double x) {
    double s = Math.max(0, Math.min(1, (x - a) / (b - a)));
    return s * s * (3 - 2 * s);
  }

  static double mix(double a, double b, double w) {
    return a + (b - a) * w;
  }

  static double sq(double v) {
    return v * v;
  }

  static double wrap(double a) {
    while (a < -Math.PI) {
      a += 2 * Math.PI;
    }
    while (a >= Math.PI) {
      a -= 2 * Math.PI;
    }
    return a;
  }

  static double uniform(SplittableRandom r, double lo, double hi) {
    return lo + (hi - lo) * r.nextDouble();
  }
}
