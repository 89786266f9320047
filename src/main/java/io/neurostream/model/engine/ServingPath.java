package io.neurostream.model.engine;

import ai.djl.Model;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import java.util.Random;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The forward path a model serves with, chosen once when a predictor opens: the engine's compiled
 * graph where there is one and it agrees with the imperative network on a probe batch, else the
 * portable imperative path. This is the one place that knows which engine has which fast path;
 * the rest of NeuroStream sees a {@link ForwardPass.Factory}.
 *
 * <p>The compiled graph holds a snapshot of the parameters (batch normalization folded in): a
 * model trained further after the path was opened is not seen by it; open a new predictor.
 */
public final class ServingPath implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(ServingPath.class);

  /**
   * Largest difference between a compiled path's logits and the imperative network's on the
   * probe batch, relative to the largest logit (at least 1): float32 sums taken in another order
   * differ by about 1e-6 of the magnitude; a wrongly read graph differs by order 1.
   */
  public static final double PROBE_TOLERANCE = 1e-4;
  private static final int PROBE_BATCH = 2;

  private final ForwardPass.Factory factory;
  private final NDManager owned;
  private final String why;

  private ServingPath(ForwardPass.Factory factory, NDManager owned, String why) {
    this.factory = factory;
    this.owned = owned;
    this.why = why;
  }

  /**
   * Opens the path for {@code model}, whose block runs {@code backbone} then {@code head} on
   * images of {@code imageShape} {@code (C, H, W)}.
   *
   * @param maxImperativeBatch most images per imperative engine call
   * @throws IllegalStateException when {@link ServingOptions.Graph#COMPILED} is asked for and
   *     the engine has no compiled graph of this network, or it disagrees with the network
   */
  public static ServingPath open(Model model, Block backbone, Block head, Shape imageShape,
      int maxImperativeBatch, ServingOptions options) {
    ForwardPass.Factory imperative =
        ImperativeForwardPass.factory(model, imageShape, maxImperativeBatch);
    if (options.graph() == ServingOptions.Graph.IMPERATIVE) {
      return new ServingPath(imperative, null, "imperative as configured");
    }
    String engine = model.getNDManager().getEngine().getEngineName();
    boolean cpu = !model.getNDManager().getDevice().isGpu();
    if (!"MXNet".equals(engine) || !cpu) {
      String why = "no compiled graph for " + engine + " on " + model.getNDManager().getDevice();
      if (options.graph() == ServingOptions.Graph.COMPILED) {
        throw new IllegalStateException(why + "; use inference graph auto or imperative");
      }
      return new ServingPath(imperative, null, "imperative: " + why);
    }
    NDManager owned = model.getNDManager().newSubManager();
    try {
      MxnetResNetGraph.Graph graph = MxnetResNetGraph.of(backbone, head, owned);
      ForwardPass.Factory compiled = MxnetGraphForwardPass.factory(graph, owned, imageShape, true);
      double diff = probe(imperative, compiled, imageShape);
      if (diff > PROBE_TOLERANCE) {
        throw new IllegalStateException(String.format(java.util.Locale.ROOT,
            "the compiled graph differs from the network by %.3g (relative) on a probe batch,"
                + " more than %.0e", diff, PROBE_TOLERANCE));
      }
      return new ServingPath(compiled, owned, String.format(java.util.Locale.ROOT,
          "%s: probe batch within %.1e of the imperative network", compiled.name(), diff));
    } catch (RuntimeException e) {
      owned.close();
      if (options.graph() == ServingOptions.Graph.COMPILED) {
        throw new IllegalStateException("compiled graph unavailable: " + e.getMessage()
            + "; use inference graph auto or imperative", e);
      }
      LOG.warn("serving the imperative network: the compiled graph is unavailable ({})",
          e.toString());
      return new ServingPath(imperative, null, "imperative: compiled graph unavailable (" + e
          + ")");
    }
  }

  /** Relative largest difference of {@code other}'s logits from {@code reference}'s. */
  static double probe(ForwardPass.Factory reference, ForwardPass.Factory other, Shape imageShape) {
    Random random = new Random(20261202L);
    float[] input = new float[(int) (PROBE_BATCH * imageShape.size())];
    for (int i = 0; i < input.length; i++) {
      input[i] = (float) random.nextGaussian();
    }
    float[] want;
    try (ForwardPass r = reference.newReplica()) {
      want = r.logits(input, 0, PROBE_BATCH);
    }
    float[] got;
    try (ForwardPass o = other.newReplica()) {
      got = o.logits(input, 0, PROBE_BATCH);
    }
    return relativeDifference(want, got);
  }

  /** {@code max|a−b| / max(1, max|a|)}; infinite when the lengths differ. */
  public static double relativeDifference(float[] reference, float[] other) {
    if (reference.length != other.length) {
      return Double.POSITIVE_INFINITY;
    }
    double scale = 1;
    double max = 0;
    for (int i = 0; i < reference.length; i++) {
      scale = Math.max(scale, Math.abs(reference[i]));
      max = Math.max(max, Math.abs((double) reference[i] - other[i]));
    }
    return Double.isNaN(max) ? Double.POSITIVE_INFINITY : max / scale;
  }

  /** Makes the replicas of the chosen path. */
  public ForwardPass.Factory factory() {
    return factory;
  }

  /** Which path, and why, for the log and the benchmark output. */
  public String description() {
    return why;
  }

  @Override
  public void close() {
    if (owned != null) {
      owned.close();
    }
  }
}
