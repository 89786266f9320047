package io.neurostream.classifier;

import io.neurostream.imaging.GrayImage;
import io.neurostream.model.ClassProbabilities;
import java.util.List;

/**
 * A loaded model as the classifier sees it: a version and a batched prediction. Implementations
 * must be safe to call from several stream threads at once (each thread gets its own Predictor
 * over the one shared model); {@link #close()} frees the native memory and is called once no
 * batch uses the model any more.
 */
public interface ScanModel extends AutoCloseable {

  /** The release version that stamps every prediction this model makes. */
  String version();

  /**
   * Classifies a batch, one result per image in order.
   *
   * @throws RuntimeException if the batch cannot be classified; the caller isolates the culprit
   */
  List<ClassProbabilities> predict(List<GrayImage> images);

  @Override
  void close();
}
