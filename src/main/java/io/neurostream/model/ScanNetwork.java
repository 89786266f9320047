package io.neurostream.model;

import ai.djl.basicmodelzoo.cv.classification.ResNetV1;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.Activation;
import ai.djl.nn.Block;
import ai.djl.nn.Parameter;
import ai.djl.nn.SequentialBlock;
import ai.djl.nn.core.Linear;
import ai.djl.nn.norm.Dropout;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;

/**
 * The scan classifier network: a ResNet v1 backbone ending in global average pooling, then the
 * head {@code Dense(hidden) → ReLU → Dropout → Dense(4)}. It outputs logits; the translator applies
 * softmax.
 *
 * <p>The backbone and the head are separate children so that pretrained backbone weights can be
 * loaded into {@link #backbone()} alone, and so that a frozen backbone can run its batch
 * normalization in inference mode while the head trains. The parameter layout is the same whether
 * the backbone is frozen or not, so a bundle trained either way loads into either.
 */
public final class ScanNetwork extends AbstractBlock {

  private static final byte VERSION = 1;

  private final ModelSpec spec;
  private final SequentialBlock backbone;
  private final SequentialBlock head;

  private ScanNetwork(ModelSpec spec) {
    super(VERSION);
    this.spec = spec;
    this.backbone = addChildBlock("backbone", backboneOf(spec));
    this.head = addChildBlock("head", headOf(spec));
    if (spec.frozenBackbone()) {
      backbone.freezeParameters(true);
    }
  }

  /** A new, uninitialized network for {@code spec}. */
  public static ScanNetwork of(ModelSpec spec) {
    return new ScanNetwork(spec);
  }

  /** The architecture this network was built for. */
  public ModelSpec spec() {
    return spec;
  }

  /** The ResNet feature extractor: image batch in, {@code (N, features)} out. */
  public Block backbone() {
    return backbone;
  }

  /** The classification head: features in, {@code (N, 4)} logits out. */
  public Block head() {
    return head;
  }

  /** The input shape with a batch dimension of {@code batchSize}. */
  public Shape inputShape(int batchSize) {
    return new Shape(batchSize, spec.channels(), spec.inputSize(), spec.inputSize());
  }

  /** Counts scalar parameters in the backbone and the head; the network must be initialized. */
  public ParameterCount countParameters() {
    return new ParameterCount(count(backbone), count(head));
  }

  private static long count(Block block) {
    long n = 0;
    for (Parameter p : block.getParameters().values()) {
      n += p.getArray().size();
    }
    return n;
  }

  @Override
  protected NDList forwardInternal(
      ParameterStore store, NDList inputs, boolean training, PairList<String, Object> params) {
    // A frozen backbone keeps its batch-norm statistics: it runs as at inference even in training.
    NDList features = backbone.forward(store, inputs, training && !spec.frozenBackbone(), params);
    return head.forward(store, features, training, params);
  }

  @Override
  public Shape[] getOutputShapes(Shape[] inputShapes) {
    return head.getOutputShapes(backbone.getOutputShapes(inputShapes));
  }

  @Override
  protected void initializeChildBlocks(NDManager manager, DataType dataType, Shape... inputShapes) {
    backbone.initialize(manager, dataType, inputShapes);
    head.initialize(manager, dataType, backbone.getOutputShapes(inputShapes));
  }

  /** A new, uninitialized backbone of {@code spec}'s depth and channels. */
  static SequentialBlock backboneOf(ModelSpec spec) {
    SequentialBlock resnet =
        ResNetV1.builder()
            .setImageShape(new Shape(spec.channels(), spec.inputSize(), spec.inputSize()))
            .setNumLayers(spec.depth())
            .setOutSize(ModelSpec.numClasses())
            .build();
    // ResNetV1 ends with global average pooling, flatten, Linear(outSize), flatten: drop the
    // classifier (the last two) and keep the pooled, flattened features.
    resnet.removeLastBlock();
    resnet.removeLastBlock();
    return resnet;
  }

  private static SequentialBlock headOf(ModelSpec spec) {
    SequentialBlock head = new SequentialBlock();
    head.add(Linear.builder().setUnits(spec.hiddenUnits()).build());
    head.add(Activation.reluBlock());
    if (spec.dropout() > 0f) {
      head.add(Dropout.builder().optRate(spec.dropout()).build());
    }
    head.add(Linear.builder().setUnits(ModelSpec.numClasses()).build());
    return head;
  }

  /**
   * Scalar parameter counts (weights, biases and batch-norm statistics, as Keras counts them).
   *
   * @param backbone parameters of the ResNet feature extractor
   * @param head parameters of the dense layers
   */
  public record ParameterCount(long backbone, long head) {
    /** Backbone plus head. */
    public long total() {
      return backbone + head;
    }
  }
}
