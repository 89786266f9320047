package io.neurostream.training;

import ai.djl.Model;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import io.neurostream.model.ClassProbabilities;
import io.neurostream.model.ScanClassifierModel;
import java.util.List;

/** What an epoch feeds and which block it trains. */
interface TrainingFeed extends AutoCloseable {

  /** The model whose block the trainer updates. */
  Model trainable();

  /** The shape of a batch of {@code n} inputs. */
  Shape inputShape(int n);

  int valuesPerExample();

  /** Writes the training input of {@code e} into {@code x} from {@code offset}. */
  void write(TrainingExample e, float[] x, int offset);

  /**
   * What the trainer's block receives for a batch written by {@link #write}; runs before the
   * gradient tape starts, so nothing done here is trained.
   */
  default NDList toTrainerInput(NDManager batch, NDList input) {
    return input;
  }

  /** The shape the trainer's block receives for a batch of {@code n}. */
  default Shape trainerInputShape(int n) {
    return inputShape(n);
  }

  /** Predictions of the model as it is now. */
  List<ClassProbabilities> predict(List<TrainingExample> examples);

  /** Whether each epoch writes a checkpoint bundle. */
  boolean checkpointed();

  @Override
  void close();

  /** A model over the network's own head block: training it trains the very same parameters. */
  static Model headModel(ScanClassifierModel model) {
    Model head = Model.newInstance("head", model.device());
    head.setBlock(model.network().head());
    return head;
  }

  /** The feed for {@code o}: cached features, a frozen backbone, or whole images. */
  static TrainingFeed of(TrainingOptions o, ScanClassifierModel model, TrainingData data, java.util.Random random) {
    if (o.featureCache() != null) {
      return new FeatureFeed(o, model, data);
    }
    return model.spec().frozenBackbone()
        ? new FrozenBackboneFeed(o, model, random)
        : new ImageFeed(o, model, random);
  }
}
