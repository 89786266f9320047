package io.neurostream.training;

import ai.djl.Model;
import ai.djl.ndarray.types.Shape;
import io.neurostream.model.ClassProbabilities;
import io.neurostream.model.ScanClassifierModel;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;

/**
 * Cached backbone features through the head alone: the backbone stays as it is and is never run
 * here, so an epoch costs only the small dense layers. Features are of unaugmented images. No
 * per-epoch checkpoints: such a run takes seconds and its bundle is written at the end.
 */
final class FeatureFeed implements TrainingFeed {
  private final TrainingOptions o;
  private final ScanClassifierModel model;
  private final Map<TrainingExample, float[]> features = new IdentityHashMap<>();
  private final int dim;
  private final Model head;

  FeatureFeed(TrainingOptions o, ScanClassifierModel model, TrainingData data) {
    this.o = o;
    this.model = model;
    List<TrainingExample> all = new ArrayList<>(data.train());
    all.addAll(data.validation());
    float[][] f = o.featureCache().features(model, all);
    for (int i = 0; i < f.length; i++) {
      features.put(all.get(i), f[i]);
    }
    dim = f[0].length;
    head = TrainingFeed.headModel(model);
  }

  @Override
  public Model trainable() {
    return head;
  }

  @Override
  public Shape inputShape(int n) {
    return new Shape(n, dim);
  }

  @Override
  public int valuesPerExample() {
    return dim;
  }

  @Override
  public void write(TrainingExample e, float[] x, int offset) {
    System.arraycopy(features.get(e), 0, x, offset, dim);
  }

  @Override
  public List<ClassProbabilities> predict(List<TrainingExample> examples) {
    float[][] f = new float[examples.size()][];
    for (int i = 0; i < f.length; i++) {
      f[i] = features.get(examples.get(i));
    }
    return Evaluation.predictHead(model, f, o.batchSize());
  }

  @Override
  public boolean checkpointed() {
    return false;
  }

  @Override
  public void close() {
    head.close();
  }
}
