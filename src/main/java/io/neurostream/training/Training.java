package io.neurostream.training;

import ai.djl.Device;
import ai.djl.engine.Engine;
import io.neurostream.model.BundleMetadata;
import io.neurostream.model.ComputeDevice;
import io.neurostream.model.DjlDefaults;
import io.neurostream.model.ModelBundle;
import io.neurostream.model.ModelSpec;
import io.neurostream.model.PretrainedBackbone;
import io.neurostream.model.ScanClassifierModel;
import io.neurostream.model.ScanNetwork;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Trains a scan classifier: class-weighted softmax cross-entropy, Adam, augmentation on the
 * training set, early stopping on validation balanced accuracy, a checkpoint every epoch (the best
 * one kept), then the kept model is evaluated on the subject-level holdout and written as a bundle
 * with {@code metrics.json} and charts beside it.
 *
 * <p>The data is held decoded in memory at the input size, so an epoch costs only augmentation and
 * the network itself.
 */
public final class Training {

  /** File names in the report directory. */
  public static final String METRICS_FILE = "metrics.json";
  public static final String CURVES_FILE = "training-curves.png";
  public static final String CONFUSION_FILE = "confusion-matrix.png";

  private Training() {}

  /** Loads {@link TrainingOptions#dataDir()}, splits it by subject, and trains. */
  public static TrainingResult run(TrainingOptions options) {
    if (options.dataDir() == null) {
      throw new IllegalArgumentException("no data folder; pass --data DIR");
    }
    DjlDefaults.apply();
    int inputSize = options.initialBundle() == null
        ? options.spec().inputSize()
        : ModelBundle.open(options.initialBundle()).metadata().spec().inputSize();
    TrainingData data = ScanFolder.load(
        options.dataDir(), inputSize, options.validationFraction(), options.testFraction(),
        options.seed(), options.progress());
    return run(options, data);
  }

  /** Trains on data already in memory (e.g. labels collected from Kafka). */
  public static TrainingResult run(TrainingOptions o, TrainingData data) {
    DjlDefaults.apply();
    long started = System.nanoTime();
    PrintStream log = o.progress();
    Device device = ComputeDevice.resolve(o.device());
    Engine.getInstance().setRandomSeed((int) o.seed());
    String version = o.version() != null ? o.version() : BundleMetadata.newVersion();
    Map<String, String> provenance = new LinkedHashMap<>(data.provenance());

    String parentVersion = null;
    ScanClassifierModel model;
    if (o.initialBundle() != null) {
      ModelBundle parent = ModelBundle.open(o.initialBundle());
      parentVersion = parent.metadata().version();
      model = parent.load(device);
      provenance.put("initial_bundle", o.initialBundle() + " (sha256 " + parent.sha256() + ")");
    } else {
      model = ScanClassifierModel.create(o.spec(), o.normalization(), device);
    }
    try (model) {
      ModelSpec spec = model.spec();
      if (o.backbone() != null) {
        provenance.put("backbone", PretrainedBackbone.load(o.backbone(), model));
      }
      int[] trainCounts = TrainingData.classCounts(data.train());
      float[] weights = o.classWeighting()
          ? ClassWeightedCrossEntropy.balanced(trainCounts)
          : uniform(ModelSpec.numClasses());
      ScanNetwork.ParameterCount count = model.network().countParameters();
      say(log, String.format(Locale.ROOT,
          "training %s on %s (%s %s): %,d parameters (backbone %,d%s, head %,d)%n"
              + "%d train / %d validation / %d test slices; %s%n"
              + "class counts (train) %s, loss weights %s",
          spec.architecture(), device, model.engineName(), Engine.getInstance().getVersion(),
          count.total(), count.backbone(), spec.frozenBackbone() ? " frozen" : "", count.head(),
          data.train().size(), data.validation().size(), data.test().size(), data.splitDescription(),
          Arrays.toString(trainCounts), Arrays.toString(weights)));

      EpochLoop loop = new EpochLoop(o, model, weights);
      List<EpochStats> history = loop.fit(data);

      // evaluate the kept parameters
      FeatureCache cache = o.featureCache();
      EvaluationMetrics validation = Evaluation.evaluate(model, data.validation(), o.batchSize(), cache);
      EvaluationMetrics holdout =
          data.test().isEmpty() ? null : Evaluation.evaluate(model, data.test(), o.batchSize(), cache);
      say(log, "holdout (" + data.splitDescription() + "):");
      say(log, (holdout == null ? validation : holdout).table());

      provenance.put("dataset", o.dataDir() == null ? "in-memory" : o.dataDir().toAbsolutePath().toString());
      provenance.put("split", data.splitDescription());
      provenance.put("seed", Long.toString(o.seed()));
      provenance.put("validation_fraction", Double.toString(o.validationFraction()));
      provenance.put("test_fraction", Double.toString(o.testFraction()));
      provenance.put("class_counts.train", Arrays.toString(trainCounts));
      provenance.put("class_counts.validation", Arrays.toString(TrainingData.classCounts(data.validation())));
      provenance.put("class_counts.test", Arrays.toString(TrainingData.classCounts(data.test())));
      provenance.put("epochs_run", Integer.toString(history.size()));
      provenance.put("best_epoch", loop.bestEpoch > 0 ? Integer.toString(loop.bestEpoch) : "none");
      provenance.put("trained", cache != null ? "head only, on cached backbone features"
          : spec.frozenBackbone() ? "head only, frozen backbone on augmented images" : "whole network");
      if (loop.stoppedByTime) {
        provenance.put("stopped_by_time", o.maxDuration().toString());
      }
      provenance.put("batch_size", Integer.toString(o.batchSize()));
      provenance.put("learning_rate", Float.toString(o.learningRate()));
      provenance.put("augmentation", o.augmentation().toString());
      Map<String, Double> metrics = new LinkedHashMap<>((holdout == null ? validation : holdout).asMap());
      metrics.put("validation.balanced_accuracy", validation.balancedAccuracy());

      BundleMetadata metadata = BundleMetadata.of(model, version, parentVersion, metrics, provenance);
      ModelBundle bundle = ModelBundle.write(model, metadata, o.output());
      double seconds = (System.nanoTime() - started) / 1e9;
      TrainingResult result = new TrainingResult(
          bundle.path(), bundle.sha256(), version, spec, history, loop.bestEpoch, loop.stoppedEarly,
          validation, holdout, data.train().size(), data.validation().size(), data.test().size(),
          data.splitDescription(), seconds);
      writeReports(o.reportDir(), result);
      say(log, String.format(Locale.ROOT, "wrote %s (sha256 %s) and reports in %s; %s in all",
          bundle.path(), bundle.sha256(), o.reportDir(), ProgressBar.duration(seconds)));
      return result;
    }
  }

  private static void writeReports(Path dir, TrainingResult result) {
    try {
      Files.createDirectories(dir);
      MetricsReport.write(dir.resolve(METRICS_FILE), result);
      TrainingCharts.writeCurves(result.history(), result.bestEpoch(), dir.resolve(CURVES_FILE));
      EvaluationMetrics shown = result.holdout() == null ? result.validation() : result.holdout();
      TrainingCharts.writeConfusionMatrix(
          shown, (result.holdout() == null ? "Validation" : "Holdout") + " confusion matrix, "
              + result.spec().architecture(), dir.resolve(CONFUSION_FILE));
    } catch (IOException e) {
      throw new UncheckedIOException("writing reports to " + dir + " failed: " + e.getMessage(), e);
    }
  }

  private static float[] uniform(int classes) {
    float[] ones = new float[classes];
    Arrays.fill(ones, 1f);
    return ones;
  }

  private static void say(PrintStream log, String line) {
    if (log != null) {
      log.println(line);
      log.flush();
    }
  }
}
