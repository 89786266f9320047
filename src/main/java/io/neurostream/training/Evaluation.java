package io.neurostream.training;

import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.ParameterStore;
import io.neurostream.imaging.GrayImage;
import io.neurostream.model.BatchPredictor;
import io.neurostream.model.engine.ServingOptions;
import io.neurostream.model.ClassProbabilities;
import io.neurostream.model.ModelSpec;
import io.neurostream.model.ScanClassifierModel;
import java.nio.FloatBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Predicts labelled examples with a model and scores the predictions: through the whole network,
 * or through the head alone on cached backbone features.
 */
public final class Evaluation {

  private Evaluation() {}

  /** Predicts {@code examples} with {@code model} and scores them. */
  public static EvaluationMetrics evaluate(ScanClassifierModel model, List<TrainingExample> examples, int batchSize) {
    return EvaluationMetrics.of(labels(examples), predict(model, examples, batchSize));
  }

  /**
   * Scores {@code examples}: through the whole network, or with a {@code cache}, through the head on
   * the cached backbone features, which gives the same numbers without a backbone pass per example.
   */
  public static EvaluationMetrics evaluate(
      ScanClassifierModel model, List<TrainingExample> examples, int batchSize, FeatureCache cache) {
    if (cache == null) {
      return evaluate(model, examples, batchSize);
    }
    return EvaluationMetrics.of(labels(examples), predictHead(model, cache.features(model, examples), batchSize));
  }

  /**
   * Predictions for {@code examples}, in order: through the whole network, or with a {@code
   * cache}, through the head on the cached backbone features (for scoring them at slice and at
   * series level from one pass).
   */
  public static List<ClassProbabilities> predictions(
      ScanClassifierModel model, List<TrainingExample> examples, int batchSize, FeatureCache cache) {
    return cache == null ? predict(model, examples, batchSize)
        : predictHead(model, cache.features(model, examples), batchSize);
  }

  /** Predictions of {@code model}'s head (inference mode) for backbone features, in order. */
  static List<ClassProbabilities> predictHead(ScanClassifierModel model, float[][] features, int batchSize) {
    List<ClassProbabilities> out = new ArrayList<>(features.length);
    int classes = ModelSpec.numClasses();
    try (NDManager manager = model.model().getNDManager().newSubManager()) {
      for (int from = 0; from < features.length; from += batchSize) {
        int n = Math.min(batchSize, features.length - from);
        int dim = features[from].length;
        float[] x = new float[n * dim];
        for (int i = 0; i < n; i++) {
          System.arraycopy(features[from + i], 0, x, i * dim, dim);
        }
        float[] p;
        try (NDManager batch = manager.newSubManager()) {
          NDList input = new NDList(batch.create(FloatBuffer.wrap(x), new Shape(n, dim)));
          NDList logits = model.network().head().forward(new ParameterStore(batch, false), input, false);
          p = logits.singletonOrThrow().softmax(-1).toFloatArray();
        }
        for (int i = 0; i < n; i++) {
          out.add(ClassProbabilities.of(Arrays.copyOfRange(p, i * classes, (i + 1) * classes)));
        }
      }
    }
    return out;
  }

  /** Predictions for {@code examples}, in order, {@code batchSize} at a time. */
  public static List<ClassProbabilities> predict(
      ScanClassifierModel model, List<TrainingExample> examples, int batchSize) {
    // a fresh predictor: a predictor caches parameter arrays, which a restore replaces
    // fp32, since these predictions gate releases (bf16 serves only after its own check)
    try (BatchPredictor predictor = model.newBatchPredictor(
        ServingOptions.defaults().withPrecision(ServingOptions.Precision.FP32))) {
      List<ClassProbabilities> out = new ArrayList<>(examples.size());
      for (int i = 0; i < examples.size(); i += batchSize) {
        List<GrayImage> images = new ArrayList<>();
        for (TrainingExample e : examples.subList(i, Math.min(examples.size(), i + batchSize))) {
          images.add(e.image());
        }
        out.addAll(predictor.predictImages(images));
      }
      return out;
    }
  }

  static int[] labels(List<TrainingExample> examples) {
    return examples.stream().mapToInt(TrainingExample::labelIndex).toArray();
  }
}
