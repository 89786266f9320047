package io.neurostream.model;

import io.neurostream.avro.DementiaStage;
import java.util.List;
import java.util.Set;

/**
 * The architecture of a scan classifier: a ResNet v1 backbone, global average pooling, a dense
 * hidden layer with ReLU and dropout, and a dense layer with one output per {@link DementiaStage}.
 * The defaults are the seed model (ResNet50, 128×128, 3 channels, Dense 512, Dense 4).
 *
 * <p>Build one with {@link #builder()}; {@link #architecture()} names it in bundles and releases.
 *
 * @param depth ResNet depth; one of {@link #SUPPORTED_DEPTHS} (DJL's {@code ResNetV1} builder)
 * @param inputSize height and width of the square network input, in pixels
 * @param channels 3 (gray replicated, as an ImageNet backbone expects) or 1
 * @param frozenBackbone whether the backbone's parameters are excluded from training (and its
 *     batch normalization runs in inference mode, as Keras does for a non-trainable base)
 * @param hiddenUnits units of the dense hidden layer (512 in the seed)
 * @param dropout dropout rate after the hidden layer, in [0, 1)
 */
public record ModelSpec(
    int depth, int inputSize, int channels, boolean frozenBackbone, int hiddenUnits, float dropout) {

  /** Depths DJL's {@code ResNetV1} builds for inputs larger than 28 pixels. */
  public static final Set<Integer> SUPPORTED_DEPTHS = Set.of(18, 34, 50, 101, 152);

  /** Smallest input size: below 32 pixels ResNetV1 switches to a CIFAR-style stem. */
  public static final int MIN_INPUT_SIZE = 33;

  /** The seed model. */
  public static final ModelSpec SEED = builder().build();

  public ModelSpec {
    if (!SUPPORTED_DEPTHS.contains(depth)) {
      throw new IllegalArgumentException(
          "ResNet depth " + depth + " is not supported; use one of " + sortedDepths()
              + " (18 for fast tests, 50 for the seed model)");
    }
    if (inputSize < MIN_INPUT_SIZE || inputSize > 1024) {
      throw new IllegalArgumentException(
          "input size " + inputSize + " is out of range; use " + MIN_INPUT_SIZE
              + "..1024 pixels (128 is the seed's, 64 is fine for tests)");
    }
    if (channels != 1 && channels != 3) {
      throw new IllegalArgumentException("channels=" + channels + " is not supported; use 3 or 1");
    }
    if (hiddenUnits < 1) {
      throw new IllegalArgumentException("hidden units must be positive, got " + hiddenUnits);
    }
    if (!(dropout >= 0f && dropout < 1f)) {
      throw new IllegalArgumentException("dropout must be in [0, 1), got " + dropout);
    }
  }

  /** Class names in output order (the Avro {@link DementiaStage} symbols). */
  public static List<String> classNames() {
    return List.of(
        DementiaStage.Non_Demented.name(),
        DementiaStage.Very_Mild_Demented.name(),
        DementiaStage.Mild_Demented.name(),
        DementiaStage.Moderate_Demented.name());
  }

  /** Number of output classes. */
  public static int numClasses() {
    return DementiaStage.values().length;
  }

  /** A stable name of the architecture, e.g. {@code resnet50-gap-dense512-dense4}. */
  public String architecture() {
    return "resnet" + depth + "-gap-dense" + hiddenUnits + "-dense" + numClasses();
  }

  /** Input shape without the batch dimension: channels, height, width. */
  public List<Integer> inputShape() {
    return List.of(channels, inputSize, inputSize);
  }

  /** A builder starting from the seed's values. */
  public static Builder builder() {
    return new Builder();
  }

  /** A builder starting from this spec's values. */
  public Builder toBuilder() {
    return new Builder()
        .optDepth(depth)
        .optInputSize(inputSize)
        .optChannels(channels)
        .optFrozenBackbone(frozenBackbone)
        .optHiddenUnits(hiddenUnits)
        .optDropout(dropout);
  }

  private static String sortedDepths() {
    return SUPPORTED_DEPTHS.stream().sorted().toList().toString();
  }

  /** Builds a {@link ModelSpec}; every option defaults to the seed model's. */
  public static final class Builder {
    private int depth = 50;
    private int inputSize = 128;
    private int channels = 3;
    private boolean frozenBackbone;
    private int hiddenUnits = 512;
    private float dropout = 0.3f;

    private Builder() {}

    public Builder optDepth(int depth) {
      this.depth = depth;
      return this;
    }

    public Builder optInputSize(int inputSize) {
      this.inputSize = inputSize;
      return this;
    }

    public Builder optChannels(int channels) {
      this.channels = channels;
      return this;
    }

    public Builder optFrozenBackbone(boolean frozenBackbone) {
      this.frozenBackbone = frozenBackbone;
      return this;
    }

    public Builder optHiddenUnits(int hiddenUnits) {
      this.hiddenUnits = hiddenUnits;
      return this;
    }

    public Builder optDropout(float dropout) {
      this.dropout = dropout;
      return this;
    }

    public ModelSpec build() {
      return new ModelSpec(depth, inputSize, channels, frozenBackbone, hiddenUnits, dropout);
    }
  }
}
