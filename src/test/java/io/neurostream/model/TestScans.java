package io.neurostream.model;

import io.neurostream.imaging.GrayImage;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/** Small deterministic images for model tests. */
final class TestScans {

  private TestScans() {}

  /** {@code n} images of {@code size}×{@code size}: bright discs of varying radius on noise. */
  static List<GrayImage> images(int n, int size, long seed) {
    Random random = new Random(seed);
    List<GrayImage> out = new ArrayList<>(n);
    for (int k = 0; k < n; k++) {
      float[] px = new float[size * size];
      double r = size * (0.15 + 0.3 * random.nextDouble());
      double cx = size / 2.0 + random.nextGaussian() * 2;
      double cy = size / 2.0 + random.nextGaussian() * 2;
      for (int y = 0; y < size; y++) {
        for (int x = 0; x < size; x++) {
          double d = Math.hypot(x - cx, y - cy);
          double v = (d < r ? 0.7 : 0.1) + 0.05 * random.nextGaussian();
          px[y * size + x] = (float) Math.max(0, Math.min(1, v));
        }
      }
      out.add(new GrayImage(size, size, px));
    }
    return out;
  }

  /** A reduced spec for fast tests. */
  static ModelSpec smallSpec() {
    return ModelSpec.builder().optDepth(18).optInputSize(48).optHiddenUnits(32).build();
  }
}
