package io.neurostream.classifier;

import io.neurostream.imaging.GrayImage;
import io.neurostream.model.ClassProbabilities;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Predicate;

/**
 * A model for tests where inference itself is irrelevant: the predicted class is a function of the
 * image's mean intensity, it records batch sizes, and it can be told to fail on chosen images.
 */
final class FakeScanModel implements ScanModel {

  final String version;
  final List<Integer> batchSizes = new ArrayList<>();
  final AtomicBoolean closed = new AtomicBoolean();
  final AtomicInteger calls = new AtomicInteger();
  private final Predicate<GrayImage> poison;

  FakeScanModel(String version) {
    this(version, img -> false);
  }

  FakeScanModel(String version, Predicate<GrayImage> poison) {
    this.version = version;
    this.poison = poison;
  }

  @Override
  public String version() {
    return version;
  }

  @Override
  public synchronized List<ClassProbabilities> predict(List<GrayImage> images) {
    if (closed.get()) {
      throw new IllegalStateException("model " + version + " used after close");
    }
    calls.incrementAndGet();
    batchSizes.add(images.size());
    List<ClassProbabilities> out = new ArrayList<>();
    for (GrayImage img : images) {
      if (poison.test(img)) {
        throw new IllegalStateException("poison image");
      }
      float[] p = new float[4];
      double mean = 0;
      for (float v : img.pixels()) {
        mean += v;
      }
      mean /= img.pixels().length;
      int cls = Math.min(3, (int) (mean * 4));
      p[cls] = 0.7f;
      for (int i = 0; i < 4; i++) {
        if (i != cls) {
          p[i] = 0.1f;
        }
      }
      out.add(ClassProbabilities.of(p));
    }
    return out;
  }

  @Override
  public void close() {
    closed.set(true);
  }
}
