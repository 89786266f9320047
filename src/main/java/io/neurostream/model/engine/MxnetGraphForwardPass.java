package io.neurostream.model.engine;

import ai.djl.mxnet.engine.MxNDManager;
import ai.djl.mxnet.engine.MxSymbolBlock;
import ai.djl.mxnet.engine.Symbol;
import ai.djl.mxnet.jna.LibUtils;
import ai.djl.mxnet.jna.MxnetLibrary;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import ai.djl.training.ParameterStore;
import java.nio.FloatBuffer;
import java.util.List;
import java.util.Map;

/**
 * The compiled forward pass on MXNet: the network as one symbol ({@link MxnetResNetGraph}, batch
 * normalization folded), partitioned for the MKLDNN backend (convolution fused with its ReLU and
 * with the residual sum), run as a CachedOp with static memory ({@code static_alloc} and {@code
 * static_shape}, DJL's defaults for symbol blocks): one engine call per batch instead of one per
 * operator, and activations allocated once instead of on every pass. Each replica has its own
 * CachedOp, which is not safe to run from two threads; the folded parameters are shared.
 */
final class MxnetGraphForwardPass implements ForwardPass {

  /** The name this path reports. */
  static final String NAME = "mxnet-graph";
  /** The subgraph backend of MXNet's CPU build that fuses convolutions. */
  static final String BACKEND = "MKLDNN";

  private static volatile MxnetLibrary library;

  private final MxSymbolBlock block;
  private final NDManager manager;
  private final ParameterStore store;
  private final Shape imageShape;

  private MxnetGraphForwardPass(MxSymbolBlock block, NDManager manager, Shape imageShape) {
    this.block = block;
    this.manager = manager;
    this.store = new ParameterStore(manager, false);
    this.imageShape = imageShape;
  }

  /**
   * Replicas of {@code graph}, whose parameters live in {@code manager} (an MXNet manager); each
   * replica's symbol is partitioned for {@link #BACKEND} when {@code fuse}.
   */
  static Factory factory(MxnetResNetGraph.Graph graph, NDManager manager, Shape imageShape,
      boolean fuse) {
    String name = fuse ? NAME : NAME + "-unfused";
    return new Factory() {
      @Override
      public ForwardPass newReplica() {
        Symbol symbol = Symbol.loadJson((MxNDManager) manager, graph.json());
        MxSymbolBlock block = new MxSymbolBlock(manager, symbol);
        block.setInputNames(List.of("data"));
        if (fuse) {
          block.optimizeFor(BACKEND);
        }
        Map<String, NDArray> values = graph.parameters();
        for (Parameter p : block.getDirectParameters().values()) {
          NDArray v = values.get(p.getName());
          if (v == null) {
            throw new IllegalStateException("the graph has no value for parameter " + p.getName());
          }
          p.setArray(v);
        }
        return new MxnetGraphForwardPass(block, manager, imageShape);
      }

      @Override
      public String name() {
        return name;
      }

      @Override
      public void configureThread(int intraOpThreads) {
        setOmpThreads(intraOpThreads);
      }
    };
  }

  /**
   * Sets the OpenMP threads MXNet's operators use when called from this thread (an OpenMP
   * per-thread setting: each inference worker gets its share of the cores).
   */
  static void setOmpThreads(int threads) {
    MxnetLibrary lib = library;
    if (lib == null) {
      lib = LibUtils.loadLibrary();
      library = lib;
    }
    lib.MXSetNumOMPThreads(threads);
  }

  @Override
  public float[] logits(float[] input, int offset, int batch) {
    int per = (int) imageShape.size();
    try (NDManager sub = manager.newSubManager()) {
      NDArray x = sub.create(FloatBuffer.wrap(input, offset, batch * per),
          new Shape(batch).addAll(imageShape));
      NDList out = block.forward(store, new NDList(x), false);
      return out.singletonOrThrow().toFloatArray();
    }
  }

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public void close() {
    // the CachedOp and the symbol belong to the manager of the parameters; freeing them here
    // while another replica still runs would be unsafe, so ServingPaths closes that manager
  }
}
