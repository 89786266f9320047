package io.neurostream.training;

import ai.djl.Model;
import ai.djl.ndarray.types.Shape;
import io.neurostream.model.ClassProbabilities;
import io.neurostream.model.ScanClassifierModel;
import io.neurostream.model.ScanPreprocessor;
import java.util.List;
import java.util.Random;

/** Augmented images through the whole network (the backbone learns at its own rate). */
class ImageFeed implements TrainingFeed {
  final TrainingOptions o;
  final ScanClassifierModel model;
  private final ScanPreprocessor preprocessor;
  private final Random random;

  ImageFeed(TrainingOptions o, ScanClassifierModel model, Random random) {
    this.o = o;
    this.model = model;
    this.preprocessor = new ScanPreprocessor(model.spec(), model.normalization());
    this.random = random;
  }

  @Override
  public Model trainable() {
    return model.model();
  }

  @Override
  public Shape inputShape(int n) {
    return model.network().inputShape(n);
  }

  @Override
  public int valuesPerExample() {
    return preprocessor.valuesPerImage();
  }

  @Override
  public void write(TrainingExample e, float[] x, int offset) {
    preprocessor.write(o.augmentation().apply(preprocessor.resize(e.image()), random), x, offset);
  }

  @Override
  public List<ClassProbabilities> predict(List<TrainingExample> examples) {
    return Evaluation.predict(model, examples, o.batchSize());
  }

  @Override
  public boolean checkpointed() {
    return true;
  }

  @Override
  public void close() {}
}
