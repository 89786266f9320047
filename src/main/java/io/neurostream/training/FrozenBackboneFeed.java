package io.neurostream.training;

import ai.djl.Model;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.ParameterStore;
import io.neurostream.model.ScanClassifierModel;
import java.util.Random;

/**
 * Augmented images through a frozen backbone, then the head (the seed's transfer learning): each
 * batch's features are computed in inference mode before the gradient tape starts, so batch
 * normalization keeps its statistics on every engine (MXNet refuses an inference-mode batch norm
 * while it records gradients) and only the head's parameters are updated.
 */
final class FrozenBackboneFeed extends ImageFeed {
  private final Model head;
  private final long dim;

  FrozenBackboneFeed(TrainingOptions o, ScanClassifierModel model, Random random) {
    super(o, model, random);
    dim = model.network().backbone().getOutputShapes(
        new Shape[] {model.network().inputShape(1)})[0].get(1);
    head = TrainingFeed.headModel(model);
  }

  @Override
  public Model trainable() {
    return head;
  }

  @Override
  public Shape trainerInputShape(int n) {
    return new Shape(n, dim);
  }

  @Override
  public NDList toTrainerInput(NDManager batch, NDList input) {
    return model.network().backbone().forward(new ParameterStore(batch, false), input, false);
  }

  @Override
  public void close() {
    head.close();
  }
}
