package io.neurostream.classifier;

import io.neurostream.imaging.GrayImage;
import io.neurostream.model.BatchPredictor;
import io.neurostream.model.ClassProbabilities;
import io.neurostream.model.ScanClassifierModel;
import io.neurostream.model.engine.ServingOptions;
import java.util.List;

/**
 * A {@link ScanModel} over a loaded model bundle: one shared {@link ScanClassifierModel} and one
 * {@link BatchPredictor}, which gives each calling stream thread its own DJL Predictor. Closing it
 * closes every predictor, then the model's native memory.
 */
public final class BundleScanModel implements ScanModel {

  private final String version;
  private final ScanClassifierModel model;
  private final BatchPredictor predictor;

  public BundleScanModel(String version, ScanClassifierModel model) {
    this(version, model, ServingOptions.defaults());
  }

  /** Serves {@code model} with the forward path and workers of {@code serving}. */
  public BundleScanModel(String version, ScanClassifierModel model, ServingOptions serving) {
    this.version = version;
    this.model = model;
    this.predictor = model.newBatchPredictor(serving);
  }

  /** The loaded model (for benchmarks that also time the network alone). */
  public ScanClassifierModel model() {
    return model;
  }

  /** Which forward path serves, and why. */
  public String servingPath() {
    return predictor.servingPath() + ", " + predictor.workers() + " worker(s)";
  }

  @Override
  public String version() {
    return version;
  }

  /** The network's input size in pixels, for warm-up images. */
  public int inputSize() {
    return model.spec().inputSize();
  }

  @Override
  public List<ClassProbabilities> predict(List<GrayImage> images) {
    return predictor.predictImages(images);
  }

  @Override
  public void close() {
    try (model) {
      predictor.close();
    }
  }
}
