package io.neurostream.imaging;

/** Maps stored sample values to intensities in [0, 1]. */
final class Windowing {

  private Windowing() {}

  /** Min → 0, max → 1, linear between; a constant image becomes all 0. */
  static GrayImage minMax(int width, int height, int[] values) {
    double[] d = new double[values.length];
    for (int i = 0; i < values.length; i++) {
      d[i] = values[i];
    }
    return minMax(width, height, d);
  }

  /** Min → 0, max → 1, linear between; a constant image becomes all 0. */
  static GrayImage minMax(int width, int height, double[] values) {
    double min = Double.POSITIVE_INFINITY;
    double max = Double.NEGATIVE_INFINITY;
    for (double v : values) {
      min = Math.min(min, v);
      max = Math.max(max, v);
    }
    float[] out = new float[values.length];
    double range = max - min;
    if (range > 0) {
      for (int i = 0; i < values.length; i++) {
        out[i] = (float) Math.min(1.0, Math.max(0.0, (values[i] - min) / range));
      }
    }
    return new GrayImage(width, height, out);
  }

  /**
   * The DICOM linear VOI window (PS3.3 C.11.2.1.2.1): values below {@code center - 0.5 - (width -
   * 1) / 2} → 0, above {@code center - 0.5 + (width - 1) / 2} → 1, linear between.
   */
  static GrayImage window(int width, int height, double[] values, double center, double windowWidth) {
    float[] out = new float[values.length];
    double lo = center - 0.5 - (windowWidth - 1) / 2;
    double span = Math.max(windowWidth - 1, 1e-9);
    for (int i = 0; i < values.length; i++) {
      double v = (values[i] - lo) / span;
      out[i] = (float) Math.min(1.0, Math.max(0.0, v));
    }
    return new GrayImage(width, height, out);
  }
}
