package io.neurostream.model.engine;

import ai.djl.Model;
import ai.djl.inference.Predictor;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.translate.NoopTranslator;
import ai.djl.translate.TranslateException;
import java.nio.FloatBuffer;

/**
 * The portable forward pass: DJL runs the model's block op by op on whatever engine loaded it
 * (MXNet, PyTorch). Batches above {@code maxForwardBatch} run as several passes; see {@link
 * ServingOptions#maxImperativeBatch}.
 */
public final class ImperativeForwardPass implements ForwardPass {

  /** The name this path reports. */
  public static final String NAME = "imperative";

  private final Model model;
  private final Shape imageShape;
  private final int maxForwardBatch;
  private final Predictor<NDList, NDList> predictor;

  /**
   * @param model the loaded model (its block is the whole network, logits out)
   * @param imageShape {@code (C, H, W)} of one image
   * @param maxForwardBatch most images per engine call
   */
  public ImperativeForwardPass(Model model, Shape imageShape, int maxForwardBatch) {
    this.model = model;
    this.imageShape = imageShape;
    this.maxForwardBatch = Math.max(1, maxForwardBatch);
    this.predictor = model.newPredictor(new NoopTranslator());
  }

  /** Replicas over {@code model}. */
  public static Factory factory(Model model, Shape imageShape, int maxForwardBatch) {
    return new Factory() {
      @Override
      public ForwardPass newReplica() {
        return new ImperativeForwardPass(model, imageShape, maxForwardBatch);
      }

      @Override
      public String name() {
        return NAME;
      }
    };
  }

  @Override
  public float[] logits(float[] input, int offset, int batch) {
    int per = (int) imageShape.size();
    float[] out = null;
    int classes = 0;
    for (int from = 0; from < batch; from += maxForwardBatch) {
      int n = Math.min(maxForwardBatch, batch - from);
      try (NDManager sub = model.getNDManager().newSubManager()) {
        NDArray x = sub.create(FloatBuffer.wrap(input, offset + from * per, n * per),
            new Shape(n).addAll(imageShape));
        float[] part = predictor.predict(new NDList(x)).singletonOrThrow().toFloatArray();
        if (out == null) {
          classes = part.length / n;
          out = new float[batch * classes];
        }
        System.arraycopy(part, 0, out, from * classes, part.length);
      } catch (TranslateException e) {
        throw new IllegalStateException("forward pass failed: " + e.getMessage(), e);
      }
    }
    return out == null ? new float[0] : out;
  }

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public void close() {
    predictor.close();
  }
}
