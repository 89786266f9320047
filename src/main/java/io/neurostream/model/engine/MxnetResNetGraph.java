package io.neurostream.model.engine;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.nn.LambdaBlock;
import ai.djl.nn.ParallelBlock;
import ai.djl.nn.Parameter;
import ai.djl.nn.SequentialBlock;
import ai.djl.nn.convolutional.Convolution;
import ai.djl.nn.core.Linear;
import ai.djl.nn.norm.BatchNorm;
import ai.djl.nn.norm.Dropout;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.lang.reflect.Field;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Writes a ResNet v1 backbone and dense head, as DJL's {@code ResNetV1} and NeuroStream's
 * {@code ScanNetwork} build them, as an MXNet symbol (the JSON graph {@code Symbol.loadJson}
 * reads) with inference-only parameters: every batch normalization folded into the convolution
 * before it ({@code w·γ/√(σ²+ε)}, bias {@code (b−μ)·γ/√(σ²+ε)+β}), dropout dropped. What is left
 * is convolution, ReLU, addition, pooling and two dense layers, which MXNet's MKLDNN backend fuses
 * further (convolution + ReLU, convolution + sum + ReLU).
 *
 * <p>DJL's blocks do not describe their lambda steps, so this reads them by position, as ResNetV1
 * places them: a lambda right after a convolution (and its normalization) is a ReLU, a lambda
 * after that ReLU is the stem's 3×3/2 max pooling, the backbone's last two are global average
 * pooling and flattening, a residual unit's two branches join as ReLU(sum). Anything else is
 * refused ({@link UnsupportedOperationException}); and since reading by position could be wrong
 * for a future DJL, {@link ServingPaths} serves the graph only after it matched the imperative
 * network on a probe batch.
 */
final class MxnetResNetGraph {

  private static final ObjectMapper JSON = new ObjectMapper();

  private final NDManager manager;
  private final ArrayNode nodes = JSON.createArrayNode();
  private final List<Integer> argNodes = new ArrayList<>();
  private final Map<String, NDArray> parameters = new LinkedHashMap<>();
  private int counter;

  /** The symbol and the arrays of its parameters, by argument name. */
  record Graph(String json, Map<String, NDArray> parameters) {}

  private MxnetResNetGraph(NDManager manager) {
    this.manager = manager;
  }

  /**
   * Builds the graph of {@code backbone} followed by {@code head}; folded parameters are new arrays
   * in {@code manager}. The input variable is called {@code data}.
   *
   * @throws UnsupportedOperationException when a block is not one this reads
   */
  static Graph of(Block backbone, Block head, NDManager manager) {
    MxnetResNetGraph g = new MxnetResNetGraph(manager);
    int data = g.variable("data", null);
    int x = g.backbone(data, asSequential(backbone, "backbone"));
    x = g.head(x, asSequential(head, "head"));
    ObjectNode root = JSON.createObjectNode();
    root.set("nodes", g.nodes);
    ArrayNode args = root.putArray("arg_nodes");
    g.argNodes.forEach(args::add);
    ArrayNode heads = root.putArray("heads");
    heads.addArray().add(x).add(0).add(0);
    root.putObject("attrs").putArray("mxnet_version").add("int").add(10900);
    return new Graph(root.toString(), g.parameters);
  }

  private static SequentialBlock asSequential(Block block, String what) {
    if (block instanceof SequentialBlock s) {
      return s;
    }
    throw new UnsupportedOperationException(what + " is a " + block.getClass().getSimpleName()
        + ", not a SequentialBlock");
  }

  private static List<Block> children(Block block) {
    List<Block> out = new ArrayList<>();
    block.getChildren().forEach(p -> out.add(p.getValue()));
    return out;
  }

  private int backbone(int input, SequentialBlock backbone) {
    List<Block> blocks = children(backbone);
    int lastUnit = -1;
    for (int i = 0; i < blocks.size(); i++) {
      if (blocks.get(i) instanceof ParallelBlock) {
        lastUnit = i;
      }
    }
    if (lastUnit < 0 || blocks.size() - lastUnit != 3
        || !(blocks.get(lastUnit + 1) instanceof LambdaBlock)
        || !(blocks.get(lastUnit + 2) instanceof LambdaBlock)) {
      throw new UnsupportedOperationException("backbone does not end in residual units, global"
          + " pooling and flattening");
    }
    int x = sequence(input, blocks.subList(0, lastUnit + 1), true);
    x = op("Pooling", "global_pool", attrs("kernel", "(1, 1)", "global_pool", "True",
        "pool_type", "avg"), x);
    return op("Flatten", "flatten", null, x);
  }

  private int head(int input, SequentialBlock head) {
    int x = input;
    Block previous = null;
    for (Block b : children(head)) {
      if (b instanceof Linear linear) {
        x = dense(x, linear);
      } else if (b instanceof LambdaBlock && previous instanceof Linear) {
        x = relu(x);
      } else if (!(b instanceof Dropout)) {
        throw new UnsupportedOperationException("head step " + b.getClass().getSimpleName()
            + " after " + (previous == null ? "nothing" : previous.getClass().getSimpleName()));
      }
      previous = b;
    }
    return x;
  }

  /** A chain of convolutions, normalizations, lambdas and residual units. */
  private int sequence(int input, List<Block> blocks, boolean stem) {
    int x = input;
    String last = "input";
    for (int i = 0; i < blocks.size(); i++) {
      Block b = blocks.get(i);
      if (b instanceof Convolution conv) {
        BatchNorm bn = i + 1 < blocks.size() && blocks.get(i + 1) instanceof BatchNorm n ? n : null;
        x = convolution(x, conv, bn);
        i += bn == null ? 0 : 1;
        last = "conv";
      } else if (b instanceof LambdaBlock && last.equals("conv")) {
        x = relu(x);
        last = "relu";
      } else if (b instanceof LambdaBlock && stem && last.equals("relu")) {
        x = op("Pooling", name("max_pool"), attrs("kernel", "(3, 3)", "stride", "(2, 2)",
            "pad", "(1, 1)", "pool_type", "max"), x);
        last = "pool";
      } else if (b instanceof ParallelBlock unit) {
        x = residual(x, unit);
        last = "unit";
      } else {
        throw new UnsupportedOperationException("step " + i + " (" + b.getClass().getSimpleName()
            + ") after " + last + " is not part of a ResNet v1 as this reads it");
      }
    }
    return x;
  }

  private int residual(int input, ParallelBlock unit) {
    List<Block> branches = children(unit);
    if (branches.size() != 2) {
      throw new UnsupportedOperationException("a residual unit with " + branches.size()
          + " branches");
    }
    int main = sequence(input, children(branches.get(0)), false);
    List<Block> shortcut = children(branches.get(1));
    int skip = shortcut.size() == 1 && shortcut.get(0) instanceof LambdaBlock
        ? input : sequence(input, shortcut, false);
    int sum = op("elemwise_add", name("add"), null, main, skip);
    return relu(sum);
  }

  private int convolution(int input, Convolution conv, BatchNorm bn) {
    if (conv.getGroups() != 1 || conv.getKernelShape().dimension() != 2) {
      throw new UnsupportedOperationException("only 2-D convolutions without groups");
    }
    String name = name("conv");
    NDArray w = conv.getParameters().get("weight").getArray();
    NDArray b = conv.isIncludeBias() ? conv.getParameters().get("bias").getArray() : null;
    if (bn != null) {
      Map<String, NDArray> p = new LinkedHashMap<>();
      for (var e : bn.getParameters()) {
        p.put(e.getKey(), e.getValue().getArray());
      }
      if (!p.keySet().containsAll(List.of("gamma", "beta", "runningMean", "runningVar"))) {
        throw new UnsupportedOperationException("batch normalization without scale and centre");
      }
      float[] gamma = p.get("gamma").toFloatArray();
      float[] beta = p.get("beta").toFloatArray();
      float[] mean = p.get("runningMean").toFloatArray();
      float[] var = p.get("runningVar").toFloatArray();
      float[] weights = w.toFloatArray();
      float[] bias = b == null ? new float[gamma.length] : b.toFloatArray();
      double eps = epsilon(bn);
      int perFilter = weights.length / gamma.length;
      float[] shift = new float[gamma.length];
      for (int f = 0; f < gamma.length; f++) {
        double scale = gamma[f] / Math.sqrt(var[f] + eps);
        for (int j = f * perFilter; j < (f + 1) * perFilter; j++) {
          weights[j] = (float) (weights[j] * scale);
        }
        shift[f] = (float) ((bias[f] - mean[f]) * scale + beta[f]);
      }
      w = manager.create(weights, w.getShape());
      b = manager.create(shift);
    } else if (b == null) {
      b = manager.zeros(new Shape(conv.getFilters()));
    }
    int wv = variable(name + "_weight", w);
    int bv = variable(name + "_bias", b);
    Shape k = conv.getKernelShape();
    Shape s = conv.getStride();
    Shape p = conv.getPadding();
    Shape d = conv.getDilation();
    return op("Convolution", name, attrs("kernel", pair(k), "stride", pair(s), "pad", pair(p),
        "dilate", pair(d), "num_filter", Integer.toString(conv.getFilters()), "no_bias", "False"),
        input, wv, bv);
  }

  private int dense(int input, Linear linear) {
    String name = name("dense");
    NDArray w = linear.getParameters().get("weight").getArray();
    Parameter bias = linear.getParameters().get("bias");
    int wv = variable(name + "_weight", w);
    if (bias == null) {
      return op("FullyConnected", name, attrs("num_hidden", Long.toString(w.getShape().get(0)),
          "no_bias", "True"), input, wv);
    }
    int bv = variable(name + "_bias", bias.getArray());
    return op("FullyConnected", name, attrs("num_hidden", Long.toString(w.getShape().get(0))),
        input, wv, bv);
  }

  private int relu(int input) {
    return op("Activation", name("relu"), attrs("act_type", "relu"), input);
  }

  private static float epsilon(BatchNorm bn) {
    try {
      Field f = BatchNorm.class.getDeclaredField("epsilon");
      f.setAccessible(true);
      return f.getFloat(bn);
    } catch (ReflectiveOperationException | RuntimeException e) {
      throw new UnsupportedOperationException("cannot read the epsilon of a BatchNorm: " + e, e);
    }
  }

  private String name(String kind) {
    return kind + (counter++);
  }

  private int variable(String name, NDArray value) {
    ObjectNode n = nodes.addObject();
    n.put("op", "null").put("name", name).putArray("inputs");
    int id = nodes.size() - 1;
    argNodes.add(id);
    if (value != null) {
      parameters.put(name, value);
    }
    return id;
  }

  private int op(String op, String name, Map<String, String> attrs, int... inputs) {
    ObjectNode n = nodes.addObject();
    n.put("op", op).put("name", name);
    if (attrs != null) {
      ObjectNode a = n.putObject("attrs");
      attrs.forEach(a::put);
    }
    ArrayNode in = n.putArray("inputs");
    for (int i : inputs) {
      in.addArray().add(i).add(0).add(0);
    }
    return nodes.size() - 1;
  }

  private static Map<String, String> attrs(String... kv) {
    Map<String, String> m = new LinkedHashMap<>();
    for (int i = 0; i < kv.length; i += 2) {
      m.put(kv[i], kv[i + 1]);
    }
    return m;
  }

  private static String pair(Shape s) {
    return "(" + s.get(0) + ", " + s.get(1) + ")";
  }
}
