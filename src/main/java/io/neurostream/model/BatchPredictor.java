package io.neurostream.model;

import ai.djl.inference.Predictor;
import ai.djl.translate.TranslateException;
import io.neurostream.imaging.GrayImage;
import io.neurostream.imaging.ImageDecodeException;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.ConcurrentLinkedQueue;

/**
 * Classifies batches of slices: a list in, a list of {@link ClassProbabilities} out, in the same
 * order. Thread-safe: a DJL {@link Predictor} is not, so each calling thread gets its own over the
 * one shared model. {@link #close()} closes every predictor it created; call it once the callers
 * are done.
 */
public final class BatchPredictor implements AutoCloseable {

  private final ScanClassifierModel model;
  private final ScanTranslator translator;
  private final ConcurrentLinkedQueue<Predictor<ScanInput, ClassProbabilities>> all =
      new ConcurrentLinkedQueue<>();
  private final ThreadLocal<Predictor<ScanInput, ClassProbabilities>> perThread;
  private volatile boolean closed;

  BatchPredictor(ScanClassifierModel model) {
    this.model = Objects.requireNonNull(model, "model");
    this.translator = model.translator();
    this.perThread =
        ThreadLocal.withInitial(
            () -> {
              Predictor<ScanInput, ClassProbabilities> p = model.model().newPredictor(translator);
              all.add(p);
              return p;
            });
  }

  /** The model this predictor serves. */
  public ScanClassifierModel model() {
    return model;
  }

  /**
   * Classifies {@code inputs} as one batch.
   *
   * @throws ImageDecodeException when an encoded input cannot be decoded (decode beforehand to
   *     route single bad scans to a dead letter instead of failing the batch)
   * @throws InferenceException when the engine fails
   */
  public List<ClassProbabilities> predict(List<? extends ScanInput> inputs) {
    if (closed) {
      throw new IllegalStateException("this BatchPredictor is closed; open a new one from the model");
    }
    if (inputs.isEmpty()) {
      return List.of();
    }
    try {
      return perThread.get().batchPredict(new ArrayList<>(inputs));
    } catch (TranslateException e) {
      // DJL wraps exceptions thrown by the translator; a decode failure is the input's fault
      for (Throwable t = e; t != null; t = t.getCause()) {
        if (t instanceof ImageDecodeException ide) {
          throw ide;
        }
      }
      throw new InferenceException("inference failed on a batch of " + inputs.size() + ": " + e.getMessage(), e);
    }
  }

  /** Classifies decoded images as one batch. */
  public List<ClassProbabilities> predictImages(List<GrayImage> images) {
    List<ScanInput> inputs = new ArrayList<>(images.size());
    for (GrayImage image : images) {
      inputs.add(ScanInput.of(image));
    }
    return predict(inputs);
  }

  /** Classifies one slice. */
  public ClassProbabilities predict(ScanInput input) {
    return predict(List.of(input)).get(0);
  }

  @Override
  public void close() {
    closed = true;
    Predictor<ScanInput, ClassProbabilities> p;
    while ((p = all.poll()) != null) {
      p.close();
    }
    perThread.remove();
  }
}
