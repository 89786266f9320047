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
    return open(model, backbone, head, imageShape, maxImperativeBatch, options, null);
  }

  /**
   * As {@link #open(Model, Block, Block, Shape, int, ServingOptions)}, with the check set that
   * reduced precision must pass: {@code count} preprocessed images back to back in {@code
   * checkSet.values()}; without one, reduced precision is not used.
   */
  public static ServingPath open(Model model, Block backbone, Block head, Shape imageShape,
      int maxImperativeBatch, ServingOptions options, CheckSet checkSet) {
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
      ForwardPass.Factory compiled =
          MxnetGraphForwardPass.factory(graph, owned, imageShape, true, MxnetGraphForwardPass.NAME);
      double diff = probe(imperative, compiled, imageShape);
      if (diff > PROBE_TOLERANCE) {
        throw new IllegalStateException(String.format(java.util.Locale.ROOT,
            "the compiled graph differs from the network by %.3g (relative) on a probe batch,"
                + " more than %.0e", diff, PROBE_TOLERANCE));
      }
      String fp32 = String.format(java.util.Locale.ROOT,
          "%s: probe batch within %.1e of the imperative network", compiled.name(), diff);
      ServingOptions.Precision precision = options.precision();
      if (precision == ServingOptions.Precision.FP32) {
        return new ServingPath(compiled, owned, fp32);
      }
      if (!CpuFeatures.has("avx512_bf16")) {
        return new ServingPath(compiled, owned, fp32 + "; fp32: this CPU has no AVX512_BF16");
      }
      if (checkSet == null) {
        return new ServingPath(compiled, owned, fp32 + "; fp32: no check set for bf16");
      }
      ForwardPass.Factory bf16 = MxnetGraphForwardPass.factory(
          MxnetResNetGraph.of(backbone, head, owned, true), owned, imageShape, true,
          MxnetGraphForwardPass.NAME + "-bf16");
      Agreement agreement = Agreement.of(compiled, bf16, checkSet);
      if (agreement.top1() >= ServingOptions.MIN_TOP1_AGREEMENT) {
        return new ServingPath(bf16, owned, bf16.name() + ": " + agreement + " (" + fp32 + ")");
      }
      LOG.warn("serving fp32: bf16 failed its agreement check ({}; at least {}% needed)",
          agreement, ServingOptions.MIN_TOP1_AGREEMENT * 100);
      return new ServingPath(compiled, owned, fp32 + "; fp32: bf16 failed its check (" + agreement
          + ")");
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

  /**
   * Images a reduced precision must classify as fp32 does.
   *
   * @param values {@code count} preprocessed images, {@code (N, C, H, W)} back to back
   * @param count how many
   */
  public record CheckSet(float[] values, int count) {}

  /**
   * How reduced precision compares with fp32 on a check set.
   *
   * @param top1 share of images whose most probable class is the same
   * @param maxProbabilityDifference largest difference of any class probability
   * @param images images compared
   */
  public record Agreement(double top1, double maxProbabilityDifference, int images) {

    static Agreement of(ForwardPass.Factory reference, ForwardPass.Factory other, CheckSet set) {
      float[] a;
      try (ForwardPass r = reference.newReplica()) {
        a = r.logits(set.values(), 0, set.count());
      }
      float[] b;
      try (ForwardPass o = other.newReplica()) {
        b = o.logits(set.values(), 0, set.count());
      }
      int classes = a.length / set.count();
      int same = 0;
      double max = 0;
      for (int i = 0; i < set.count(); i++) {
        double[] pa = softmax(a, i * classes, classes);
        double[] pb = softmax(b, i * classes, classes);
        same += argmax(pa) == argmax(pb) ? 1 : 0;
        for (int c = 0; c < classes; c++) {
          max = Math.max(max, Math.abs(pa[c] - pb[c]));
        }
      }
      return new Agreement(same / (double) set.count(), max, set.count());
    }

    @Override
    public String toString() {
      return String.format(java.util.Locale.ROOT, "top-1 agreement %.1f%% with fp32 on %d check"
          + " images, max probability difference %.4f", top1 * 100, images,
          maxProbabilityDifference);
    }

    private static double[] softmax(float[] logits, int offset, int n) {
      double max = Double.NEGATIVE_INFINITY;
      for (int i = 0; i < n; i++) {
        max = Math.max(max, logits[offset + i]);
      }
      double[] e = new double[n];
      double sum = 0;
      for (int i = 0; i < n; i++) {
        e[i] = Math.exp(logits[offset + i] - max);
        sum += e[i];
      }
      for (int i = 0; i < n; i++) {
        e[i] /= sum;
      }
      return e;
    }

    private static int argmax(double[] p) {
      int best = 0;
      for (int i = 1; i < p.length; i++) {
        if (p[i] > p[best]) {
          best = i;
        }
      }
      return best;
    }
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
