package io.neurostream.model;

import ai.djl.Device;
import ai.djl.MalformedModelException;
import ai.djl.Model;
import ai.djl.engine.Engine;
import ai.djl.ndarray.types.DataType;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Map;
import io.neurostream.model.engine.ServingOptions;
import java.util.Objects;

/**
 * A scan classifier in memory: a DJL {@link Model} holding a {@link ScanNetwork}, with the spec
 * and normalization it was built for. Thread-safe to share; open one {@link BatchPredictor} over it
 * (which keeps one DJL predictor per thread). Closing it frees the native parameters.
 */
public final class ScanClassifierModel implements AutoCloseable {

  /** Name of the DJL model (and of its parameter file). */
  static final String MODEL_NAME = "neurostream";

  static {
    DjlDefaults.apply();
  }

  private final Model model;
  private final ScanNetwork network;
  private final Normalization normalization;

  private ScanClassifierModel(Model model, ScanNetwork network, Normalization normalization) {
    this.model = model;
    this.network = network;
    this.normalization = normalization;
  }

  /**
   * A new model with freshly initialized parameters. Call {@link Engine#setRandomSeed(int)} before
   * for reproducible weights.
   */
  public static ScanClassifierModel create(ModelSpec spec, Normalization normalization, Device device) {
    return create(spec, normalization, device, Engine.getDefaultEngineName());
  }

  /**
   * A new model with freshly initialized parameters on the engine named {@code engine} (e.g.
   * {@code MXNet}, {@code PyTorch}), which must be on the class path.
   */
  public static ScanClassifierModel create(
      ModelSpec spec, Normalization normalization, Device device, String engine) {
    Objects.requireNonNull(spec, "spec");
    Objects.requireNonNull(normalization, "normalization");
    Model model = Model.newInstance(MODEL_NAME, device, engine);
    try {
      ScanNetwork network = ScanNetwork.of(spec);
      model.setBlock(network);
      network.initialize(model.getNDManager(), DataType.FLOAT32, network.inputShape(1));
      return new ScanClassifierModel(model, network, normalization);
    } catch (RuntimeException e) {
      model.close();
      throw e;
    }
  }

  /**
   * Loads parameters written by {@link #saveParameters(Path)} into a model of {@code spec}. The
   * network is initialized first, so that every loaded parameter can be checked against the shape
   * the architecture expects.
   */
  static ScanClassifierModel load(
      ModelSpec spec, Normalization normalization, Device device, Path dir) {
    ScanClassifierModel created = create(spec, normalization, device);
    try {
      Map<String, ai.djl.ndarray.types.Shape> expected = ParameterTransfer.shapes(created.network);
      created.model.load(dir, MODEL_NAME, Map.of("epoch", 0));
      ParameterTransfer.checkShapes(created.network, expected, spec.architecture() + " at " + spec.inputShape());
      if (spec.frozenBackbone()) {
        // a loaded parameter does not remember that it was frozen
        created.network.backbone().freezeParameters(true);
      }
      return created;
    } catch (IOException | MalformedModelException | RuntimeException e) {
      created.close();
      throw new ModelBundleException(
          "parameters do not fit architecture " + spec.architecture() + " with input shape "
              + spec.inputShape() + ": " + e.getMessage()
              + "; the bundle is damaged or was built for another architecture",
          e);
    }
  }

  /**
   * Writes the parameters (DJL format) as {@code neurostream-0000.params} into {@code dir} and
   * returns that file.
   */
  public Path saveParameters(Path dir) throws IOException {
    model.setProperty("Epoch", "0");
    model.save(dir, MODEL_NAME);
    return dir.resolve(MODEL_NAME + "-0000.params");
  }

  /** The DJL model (for trainers); its block is {@link #network()}. */
  public Model model() {
    return model;
  }

  public ScanNetwork network() {
    return network;
  }

  public ModelSpec spec() {
    return network.spec();
  }

  public Normalization normalization() {
    return normalization;
  }

  /** The device the parameters live on. */
  public Device device() {
    return model.getNDManager().getDevice();
  }

  /** The name of the engine running this model, e.g. {@code MXNet}. */
  public String engineName() {
    return model.getNDManager().getEngine().getEngineName();
  }

  /** A translator for this model's spec and normalization. */
  public ScanTranslator translator() {
    return new ScanTranslator(spec(), normalization);
  }

  /**
   * A batched, thread-safe predictor over this model, serving as {@link ServingOptions#defaults()}
   * say (the engine's fastest verified path). Close it before the model.
   */
  public BatchPredictor newBatchPredictor() {
    return new BatchPredictor(this, ServingOptions.defaults());
  }

  /** A batched, thread-safe predictor serving with {@code options}. Close it before the model. */
  public BatchPredictor newBatchPredictor(ServingOptions options) {
    return new BatchPredictor(this, options);
  }

  @Override
  public void close() {
    model.close();
  }
}
