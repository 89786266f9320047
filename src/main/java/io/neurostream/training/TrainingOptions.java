package io.neurostream.training;

import io.neurostream.model.ModelSpec;
import io.neurostream.model.Normalization;
import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;

/**
 * Options of a training run. Build with {@link #builder()}: {@code set*} are required, {@code opt*}
 * optional.
 *
 * @param dataDir Kaggle-layout folder (with or without manifest.csv); null when the data is passed
 *     to {@link Training#run(TrainingOptions, TrainingData)} directly
 * @param output where the model bundle is written
 * @param reportDir where metrics.json, the charts and checkpoints go
 * @param spec the architecture (ignored when {@code initialBundle} is given: the bundle's is used)
 * @param epochs most epochs to train
 * @param batchSize examples per step
 * @param learningRate Adam's learning rate
 * @param backboneLearningRateFactor the backbone learns at {@code learningRate × this} (below 1
 *     when fine-tuning pretrained weights, as in DJL's TransferFreshFruit)
 * @param patience epochs without a better validation balanced accuracy before stopping
 * @param seed seeds the split, initialization, shuffling and augmentation
 * @param backbone pretrained backbone weights: a bundle, a DJL .params file or directory, or a URL
 *     ({@code djl://...}); null for random initialization
 * @param initialBundle a bundle to continue from (fine-tuning); its version becomes the parent
 * @param device {@code auto}, {@code cpu}, {@code gpu0}, ...
 * @param validationFraction share of subjects for validation
 * @param testFraction share of subjects for the holdout
 * @param augmentation applied to training examples
 * @param normalization input normalization (recorded in the bundle)
 * @param classWeighting weight the loss inversely to class frequency
 * @param version the new model's version; null for a time-based one
 * @param progress where the progress bar goes (stderr), or null for none
 * @param maxDuration wall-time budget of the epochs; when it runs out the epoch in hand ends early,
 *     is validated, and the best parameters so far are kept; null for no limit
 * @param featureCache when set, only the head is trained, on backbone features from this cache
 *     (no augmentation; the backbone is left as it is); null to train the whole network
 */
public record TrainingOptions(
    Path dataDir,
    Path output,
    Path reportDir,
    ModelSpec spec,
    int epochs,
    int batchSize,
    float learningRate,
    float backboneLearningRateFactor,
    int patience,
    long seed,
    String backbone,
    Path initialBundle,
    String device,
    double validationFraction,
    double testFraction,
    Augmentation augmentation,
    Normalization normalization,
    boolean classWeighting,
    String version,
    PrintStream progress,
    Duration maxDuration,
    FeatureCache featureCache) {

  public TrainingOptions {
    Objects.requireNonNull(output, "output (the bundle path) is required");
    Objects.requireNonNull(spec, "spec");
    if (epochs < 1) {
      throw new IllegalArgumentException("epochs=" + epochs + " must be at least 1");
    }
    if (batchSize < 2) {
      throw new IllegalArgumentException(
          "batch size " + batchSize + " is too small for batch normalization; use 2 or more (32 is usual)");
    }
    if (!(learningRate > 0f)) {
      throw new IllegalArgumentException("learning rate " + learningRate + " must be positive (1e-3 is usual)");
    }
    if (patience < 1) {
      throw new IllegalArgumentException("patience=" + patience + " must be at least 1");
    }
    if (validationFraction <= 0 || testFraction < 0 || validationFraction + testFraction >= 0.9) {
      throw new IllegalArgumentException(
          "validation fraction " + validationFraction + " and test fraction " + testFraction
              + " leave too little to train on; use e.g. 0.15 and 0.15");
    }
    if (maxDuration != null && (maxDuration.isNegative() || maxDuration.isZero())) {
      throw new IllegalArgumentException("maximum training time " + maxDuration + " must be positive");
    }
    if (reportDir == null) {
      Path parent = output.toAbsolutePath().getParent();
      reportDir = parent;
    }
  }

  public static Builder builder() {
    return new Builder();
  }

  /** Builds {@link TrainingOptions}. */
  public static final class Builder {
    private Path dataDir;
    private Path output;
    private Path reportDir;
    private ModelSpec spec = ModelSpec.SEED;
    private int epochs = 20;
    private int batchSize = 32;
    private float learningRate = 1e-3f;
    private float backboneLearningRateFactor = 1f;
    private int patience = 5;
    private long seed = 42;
    private String backbone;
    private Path initialBundle;
    private String device = "auto";
    private double validationFraction = 0.15;
    private double testFraction = 0.15;
    private Augmentation augmentation = Augmentation.DEFAULT;
    private Normalization normalization = Normalization.DEFAULT;
    private boolean classWeighting = true;
    private String version;
    private PrintStream progress = System.err;
    private Duration maxDuration;
    private FeatureCache featureCache;

    private Builder() {}

    public Builder setDataDir(Path dataDir) {
      this.dataDir = dataDir;
      return this;
    }

    public Builder setOutput(Path output) {
      this.output = output;
      return this;
    }

    public Builder optReportDir(Path reportDir) {
      this.reportDir = reportDir;
      return this;
    }

    public Builder optSpec(ModelSpec spec) {
      this.spec = spec;
      return this;
    }

    public Builder optEpochs(int epochs) {
      this.epochs = epochs;
      return this;
    }

    public Builder optBatchSize(int batchSize) {
      this.batchSize = batchSize;
      return this;
    }

    public Builder optLearningRate(float learningRate) {
      this.learningRate = learningRate;
      return this;
    }

    public Builder optBackboneLearningRateFactor(float factor) {
      this.backboneLearningRateFactor = factor;
      return this;
    }

    public Builder optPatience(int patience) {
      this.patience = patience;
      return this;
    }

    public Builder optSeed(long seed) {
      this.seed = seed;
      return this;
    }

    public Builder optBackbone(String backbone) {
      this.backbone = backbone;
      return this;
    }

    public Builder optInitialBundle(Path initialBundle) {
      this.initialBundle = initialBundle;
      return this;
    }

    public Builder optDevice(String device) {
      this.device = device;
      return this;
    }

    public Builder optValidationFraction(double validationFraction) {
      this.validationFraction = validationFraction;
      return this;
    }

    public Builder optTestFraction(double testFraction) {
      this.testFraction = testFraction;
      return this;
    }

    public Builder optAugmentation(Augmentation augmentation) {
      this.augmentation = augmentation;
      return this;
    }

    public Builder optNormalization(Normalization normalization) {
      this.normalization = normalization;
      return this;
    }

    public Builder optClassWeighting(boolean classWeighting) {
      this.classWeighting = classWeighting;
      return this;
    }

    public Builder optVersion(String version) {
      this.version = version;
      return this;
    }

    public Builder optProgress(PrintStream progress) {
      this.progress = progress;
      return this;
    }

    /** Stops training when this much wall time has passed (the best epoch so far is kept). */
    public Builder optMaxDuration(Duration maxDuration) {
      this.maxDuration = maxDuration;
      return this;
    }

    /**
     * Trains the head only, on backbone features from {@code cache}: one backbone pass per example
     * the cache has not seen, instead of one per example per epoch.
     */
    public Builder optFeatureCache(FeatureCache cache) {
      this.featureCache = cache;
      return this;
    }

    public TrainingOptions build() {
      return new TrainingOptions(
          dataDir, output, reportDir, spec, epochs, batchSize, learningRate,
          backboneLearningRateFactor, patience, seed, backbone, initialBundle, device,
          validationFraction, testFraction, augmentation, normalization, classWeighting, version,
          progress, maxDuration, featureCache);
    }
  }
}
