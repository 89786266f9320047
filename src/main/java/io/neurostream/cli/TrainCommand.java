package io.neurostream.cli;

import io.neurostream.model.DjlDefaults;
import io.neurostream.model.ModelSpec;
import io.neurostream.training.Augmentation;
import io.neurostream.training.Training;
import io.neurostream.training.TrainingOptions;
import io.neurostream.training.TrainingResult;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code neurostream train}: trains a scan classifier on a Kaggle-layout folder and writes a model bundle. */
@Command(
    name = "train",
    mixinStandardHelpOptions = true,
    description = {
      "Train the ResNet scan classifier on a Kaggle-layout folder (split by subject when a",
      "manifest.csv is present) and write a model bundle, metrics.json and PNG charts."
    })
public final class TrainCommand implements Callable<Integer> {

  @Option(names = "--data", required = true, paramLabel = "DIR",
      description = "Folder with Non_Demented/, Very_Mild_Demented/, Mild_Demented/, Moderate_Demented/ (+ manifest.csv).")
  Path data;

  @Option(names = "--out", required = true, paramLabel = "BUNDLE", description = "Model bundle to write.")
  Path out;

  @Option(names = "--report-dir", paramLabel = "DIR",
      description = "Where metrics.json, charts and checkpoints go (default: the bundle's folder).")
  Path reportDir;

  @Option(names = "--epochs", defaultValue = "20", description = "Most epochs (default: ${DEFAULT-VALUE}).")
  int epochs;

  @Option(names = "--batch-size", defaultValue = "32", description = "Batch size (default: ${DEFAULT-VALUE}).")
  int batchSize;

  @Option(names = "--depth", defaultValue = "50", description = "ResNet depth: 18, 34, 50, 101, 152 (default: ${DEFAULT-VALUE}).")
  int depth;

  @Option(names = "--image-size", defaultValue = "128", description = "Network input size in pixels (default: ${DEFAULT-VALUE}).")
  int imageSize;

  @Option(names = "--channels", defaultValue = "3", description = "Input channels, 3 or 1 (default: ${DEFAULT-VALUE}).")
  int channels;

  @Option(names = "--hidden-units", defaultValue = "512", description = "Units of the dense hidden layer (default: ${DEFAULT-VALUE}).")
  int hiddenUnits;

  @Option(names = "--dropout", defaultValue = "0.3", description = "Dropout after the hidden layer (default: ${DEFAULT-VALUE}).")
  float dropout;

  @Option(names = "--freeze-backbone", description = "Train the head only (use with --backbone).")
  boolean freezeBackbone;

  @Option(names = "--lr", defaultValue = "1e-3", description = "Adam learning rate (default: ${DEFAULT-VALUE}).")
  float learningRate;

  @Option(names = "--backbone-lr-factor", defaultValue = "1",
      description = "Backbone learning rate = lr × this; e.g. 0.1 when fine-tuning pretrained weights (default: ${DEFAULT-VALUE}).")
  float backboneLrFactor;

  @Option(names = "--patience", defaultValue = "5",
      description = "Stop after this many epochs without a better validation balanced accuracy (default: ${DEFAULT-VALUE}).")
  int patience;

  @Option(names = "--seed", defaultValue = "42", description = "Seed of split, initialization, shuffling, augmentation (default: ${DEFAULT-VALUE}).")
  long seed;

  @Option(names = "--backbone", paramLabel = "PATH|URL",
      description = "Pretrained backbone: a bundle, a DJL .params file/dir, or a URL such as djl://ai.djl.mxnet/resnet/0.0.1/resnet50_v1 (needs a network).")
  String backbone;

  @Option(names = "--init", paramLabel = "BUNDLE", description = "Continue training from this bundle (fine-tuning); it becomes the parent version.")
  Path init;

  @Option(names = "--device", defaultValue = "auto", description = "auto, cpu, gpu0, ... (default: ${DEFAULT-VALUE}).")
  String device;

  @Option(names = "--validation-fraction", defaultValue = "0.15", description = "Share of subjects for validation (default: ${DEFAULT-VALUE}).")
  double validationFraction;

  @Option(names = "--test-fraction", defaultValue = "0.15", description = "Share of subjects for the holdout (default: ${DEFAULT-VALUE}).")
  double testFraction;

  @Option(names = "--no-augment", description = "Train without augmentation.")
  boolean noAugment;

  @Option(names = "--no-class-weights", description = "Unweighted cross-entropy.")
  boolean noClassWeights;

  @Option(names = "--model-version", paramLabel = "VERSION", description = "Version of the new model (default: time-based).")
  String version;

  @picocli.CommandLine.Mixin TrainPublishOptions release;

  @Override
  public Integer call() {
    DjlDefaults.apply();
    ModelSpec spec = ModelSpec.builder()
        .optDepth(depth)
        .optInputSize(imageSize)
        .optChannels(channels)
        .optHiddenUnits(hiddenUnits)
        .optDropout(dropout)
        .optFrozenBackbone(freezeBackbone)
        .build();
    TrainingOptions options = TrainingOptions.builder()
        .setDataDir(data)
        .setOutput(out)
        .optReportDir(reportDir)
        .optSpec(spec)
        .optEpochs(epochs)
        .optBatchSize(batchSize)
        .optLearningRate(learningRate)
        .optBackboneLearningRateFactor(backboneLrFactor)
        .optPatience(patience)
        .optSeed(seed)
        .optBackbone(backbone)
        .optInitialBundle(init)
        .optDevice(device)
        .optValidationFraction(validationFraction)
        .optTestFraction(testFraction)
        .optAugmentation(noAugment ? Augmentation.NONE : Augmentation.DEFAULT)
        .optClassWeighting(!noClassWeights)
        .optVersion(version)
        .optProgress(System.err)
        .build();
    TrainingResult result = Training.run(options);
    var shown = result.holdout() == null ? result.validation() : result.holdout();
    System.out.printf(Locale.ROOT,
        "model %s version %s: %s balanced accuracy %.4f, accuracy %.4f, macro-F1 %.4f (best epoch %d of %d, %.0f s)%n"
            + "bundle %s sha256 %s%n",
        result.spec().architecture(), result.version(), result.holdout() == null ? "validation" : "holdout",
        shown.balancedAccuracy(), shown.accuracy(), shown.macroF1(), result.bestEpoch(),
        result.history().size(), result.seconds(), result.bundle(), result.sha256());
    release.publishIfAsked(result.bundle());
    return 0;
  }
}
