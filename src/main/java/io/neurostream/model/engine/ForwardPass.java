package io.neurostream.model.engine;

/**
 * One replica of a network's forward pass: a batch of preprocessed images in, logits out. A
 * replica is used by one thread at a time (engines keep per-call state such as statically
 * allocated activations); {@link InferenceWorkers} gives every thread its own. Closing it frees
 * what the replica owns, never the model's parameters.
 */
public interface ForwardPass extends AutoCloseable {

  /**
   * Runs {@code batch} images, {@code input} holding them back to back as {@code (N, C, H, W)}
   * floats from {@code offset}, and returns {@code batch × classes} logits, row by row.
   */
  float[] logits(float[] input, int offset, int batch);

  /** A short name of the path for logs and benchmark output, e.g. {@code mxnet-graph}. */
  String name();

  @Override
  void close();

  /** Makes replicas; called once per thread that infers. Thread-safe. */
  interface Factory {
    ForwardPass newReplica();

    /** The name of the replicas it makes. */
    String name();

    /**
     * Tunes the calling thread, before it makes its replica, to use {@code intraOpThreads}
     * threads inside each operator, where the engine allows that per thread (MXNet's OpenMP
     * does); a no-op elsewhere.
     */
    default void configureThread(int intraOpThreads) {}
  }
}
