package io.neurostream.training;

import ai.djl.Device;
import ai.djl.MalformedModelException;
import ai.djl.Model;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import ai.djl.training.DefaultTrainingConfig;
import ai.djl.training.GradientCollector;
import ai.djl.training.ParameterStore;
import ai.djl.training.Trainer;
import ai.djl.training.optimizer.Optimizer;
import ai.djl.training.tracker.ParameterTracker;
import io.neurostream.model.BatchPredictor;
import io.neurostream.model.engine.ServingOptions;
import io.neurostream.model.BundleMetadata;
import io.neurostream.model.ClassProbabilities;
import io.neurostream.model.ComputeDevice;
import io.neurostream.model.DjlDefaults;
import io.neurostream.model.ModelBundle;
import io.neurostream.model.ModelSpec;
import io.neurostream.model.PretrainedBackbone;
import io.neurostream.model.ScanClassifierModel;
import io.neurostream.model.ScanNetwork;
import io.neurostream.model.ScanPreprocessor;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.FloatBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.Set;

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
    Engine.getInstance().setRandomSeed((int) o.seed());
    Device device = ComputeDevice.resolve(o.device());
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
          : new float[] {1f, 1f, 1f, 1f};
      ScanNetwork.ParameterCount count = model.network().countParameters();
      say(log, String.format(Locale.ROOT,
          "training %s on %s (%s %s): %,d parameters (backbone %,d%s, head %,d)%n"
              + "%d train / %d validation / %d test slices; %s%n"
              + "class counts (train) %s, loss weights %s",
          spec.architecture(), device, model.engineName(), Engine.getInstance().getVersion(),
          count.total(), count.backbone(), spec.frozenBackbone() ? " frozen" : "", count.head(),
          data.train().size(), data.validation().size(), data.test().size(), data.splitDescription(),
          Arrays.toString(trainCounts), Arrays.toString(weights)));

      Loop loop = new Loop(o, model, weights);
      List<EpochStats> history = loop.fit(data);

      // evaluate the kept parameters
      FeatureCache cache = o.featureCache();
      EvaluationMetrics validation = evaluate(model, data.validation(), o.batchSize(), cache);
      EvaluationMetrics holdout =
          data.test().isEmpty() ? null : evaluate(model, data.test(), o.batchSize(), cache);
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
      provenance.put("best_epoch", Integer.toString(loop.bestEpoch));
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

  /** Predicts {@code examples} with {@code model} and scores them. */
  public static EvaluationMetrics evaluate(ScanClassifierModel model, List<TrainingExample> examples, int batchSize) {
    return EvaluationMetrics.of(labels(examples), predict(model, examples, batchSize));
  }

  /**
   * Scores {@code examples}: through the whole network, or with a {@code cache}, through the head on
   * the cached backbone features, which gives the same numbers without a backbone pass per example.
   */
  public static EvaluationMetrics evaluate(
      ScanClassifierModel model, List<TrainingExample> examples, int batchSize, FeatureCache cache) {
    if (cache == null) {
      return evaluate(model, examples, batchSize);
    }
    return EvaluationMetrics.of(labels(examples), predictHead(model, cache.features(model, examples), batchSize));
  }

  /** Predictions of {@code model}'s head (inference mode) for backbone features, in order. */
  static List<ClassProbabilities> predictHead(ScanClassifierModel model, float[][] features, int batchSize) {
    List<ClassProbabilities> out = new ArrayList<>(features.length);
    int classes = ModelSpec.numClasses();
    try (NDManager manager = model.model().getNDManager().newSubManager()) {
      for (int from = 0; from < features.length; from += batchSize) {
        int n = Math.min(batchSize, features.length - from);
        int dim = features[from].length;
        float[] x = new float[n * dim];
        for (int i = 0; i < n; i++) {
          System.arraycopy(features[from + i], 0, x, i * dim, dim);
        }
        float[] p;
        try (NDManager batch = manager.newSubManager()) {
          NDList input = new NDList(batch.create(FloatBuffer.wrap(x), new Shape(n, dim)));
          NDList logits = model.network().head().forward(new ParameterStore(batch, false), input, false);
          p = logits.singletonOrThrow().softmax(-1).toFloatArray();
        }
        for (int i = 0; i < n; i++) {
          out.add(ClassProbabilities.of(Arrays.copyOfRange(p, i * classes, (i + 1) * classes)));
        }
      }
    }
    return out;
  }

  /** Predictions for {@code examples}, in order, {@code batchSize} at a time. */
  public static List<ClassProbabilities> predict(
      ScanClassifierModel model, List<TrainingExample> examples, int batchSize) {
    // a fresh predictor: a predictor caches parameter arrays, which a restore replaces; fp32,
    // since these predictions gate releases
    try (BatchPredictor predictor = model.newBatchPredictor(
        ServingOptions.defaults().withPrecision(ServingOptions.Precision.FP32))) {
      List<ClassProbabilities> out = new ArrayList<>(examples.size());
      for (int i = 0; i < examples.size(); i += batchSize) {
        List<io.neurostream.imaging.GrayImage> images = new ArrayList<>();
        for (TrainingExample e : examples.subList(i, Math.min(examples.size(), i + batchSize))) {
          images.add(e.image());
        }
        out.addAll(predictor.predictImages(images));
      }
      return out;
    }
  }

  static int[] labels(List<TrainingExample> examples) {
    return examples.stream().mapToInt(TrainingExample::labelIndex).toArray();
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

  private static void say(PrintStream log, String line) {
    if (log != null) {
      log.println(line);
      log.flush();
    }
  }

  /** The epoch loop with its early-stopping state. */
  private static final class Loop {
    private final TrainingOptions o;
    private final ScanClassifierModel model;
    private final float[] weights;
    private final ScanPreprocessor preprocessor;
    private final Random random;
    private int bestEpoch;
    private boolean stoppedEarly;
    private boolean stoppedByTime;
    /** System.nanoTime() after which no new batch starts; Long.MAX_VALUE without a budget. */
    private long deadline = Long.MAX_VALUE;

    Loop(TrainingOptions o, ScanClassifierModel model, float[] weights) {
      this.o = o;
      this.model = model;
      this.weights = weights;
      this.preprocessor = new ScanPreprocessor(model.spec(), model.normalization());
      this.random = new Random(o.seed());
    }

    List<EpochStats> fit(TrainingData data) {
      if (o.maxDuration() != null) {
        deadline = System.nanoTime() + o.maxDuration().toNanos();
      }
      Path checkpoints = o.reportDir().resolve("checkpoints");
      List<EpochStats> history = new ArrayList<>();
      double best = -1;
      byte[] bestParameters = null;
      int sinceBest = 0;
      Set<String> backboneIds = new HashSet<>();
      for (Parameter p : model.network().backbone().getParameters().values()) {
        backboneIds.add(p.getId());
      }
      float lr = o.learningRate();
      float backboneLr = lr * o.backboneLearningRateFactor();
      ParameterTracker tracker = (id, step) -> backboneIds.contains(id) ? backboneLr : lr;
      DefaultTrainingConfig config =
          new DefaultTrainingConfig(new ClassWeightedCrossEntropy(weights))
              .optOptimizer(Optimizer.adam().optLearningRateTracker(tracker).build())
              .optDevices(new Device[] {model.device()});
      try (Feed feed = o.featureCache() != null ? new FeatureFeed(data)
              : model.spec().frozenBackbone() ? new FrozenBackboneFeed() : new ImageFeed();
          Trainer trainer = feed.trainable().newTrainer(config)) {
        trainer.initialize(feed.trainerInputShape(o.batchSize()));
        for (int epoch = 1; epoch <= o.epochs(); epoch++) {
          long t0 = System.nanoTime();
          double[] train = trainEpoch(trainer, feed, data.train(), epoch);
          List<ClassProbabilities> valPredictions = feed.predict(data.validation());
          int[] valLabels = labels(data.validation());
          EvaluationMetrics val = EvaluationMetrics.of(valLabels, valPredictions);
          double valLoss = weightedLoss(valLabels, valPredictions);
          EpochStats stats = new EpochStats(epoch, train[0], train[1], valLoss, val.accuracy(),
              val.balancedAccuracy(), (System.nanoTime() - t0) / 1e9);
          history.add(stats);
          boolean improved = val.balancedAccuracy() > best + 1e-9;
          if (improved) {
            best = val.balancedAccuracy();
            bestEpoch = epoch;
            bestParameters = snapshot();
            sinceBest = 0;
          } else {
            sinceBest++;
          }
          if (feed.checkpointed()) {
            checkpoint(checkpoints, epoch, improved);
          }
          say(o.progress(), String.format(Locale.ROOT,
              "epoch %d/%d: train loss %.4f acc %.4f | val loss %.4f acc %.4f balanced %.4f%s (%s)",
              epoch, o.epochs(), train[0], train[1], valLoss, val.accuracy(), val.balancedAccuracy(),
              improved ? " *best*" : "", ProgressBar.duration(stats.seconds())));
          if (System.nanoTime() >= deadline) {
            stoppedByTime = true;
            stoppedEarly = epoch < o.epochs();
            say(o.progress(), "time budget of " + o.maxDuration() + " used up in epoch " + epoch
                + "; keeping epoch " + bestEpoch);
            break;
          }
          if (sinceBest >= o.patience()) {
            stoppedEarly = epoch < o.epochs();
            say(o.progress(), "early stop: no better validation balanced accuracy for " + o.patience()
                + " epochs; keeping epoch " + bestEpoch);
            break;
          }
        }
      }
      if (bestParameters != null) {
        restore(bestParameters);
      }
      return history;
    }

    /** One pass over the shuffled, augmented training set; returns {mean loss, accuracy}. */
    private double[] trainEpoch(Trainer trainer, Feed feed, List<TrainingExample> train, int epoch) {
      List<TrainingExample> order = new ArrayList<>(train);
      java.util.Collections.shuffle(order, random);
      // a last batch of one would break batch normalization: drop a remainder of one
      int usable = order.size() % o.batchSize() == 1 ? order.size() - 1 : order.size();
      ProgressBar bar = new ProgressBar(o.progress(), String.format(Locale.ROOT, "epoch %d/%d", epoch, o.epochs()),
          usable, "img");
      double lossSum = 0;
      int correct = 0;
      int seen = 0;
      int per = feed.valuesPerExample();
      for (int from = 0; from < usable; from += o.batchSize()) {
        if (seen > 0 && System.nanoTime() >= deadline) {
          break; // out of time: validate what this epoch has done so far
        }
        int n = Math.min(o.batchSize(), usable - from);
        float[] x = new float[n * per];
        int[] y = new int[n];
        for (int i = 0; i < n; i++) {
          TrainingExample e = order.get(from + i);
          feed.write(e, x, i * per);
          y[i] = e.labelIndex();
        }
        try (NDManager batch = trainer.getManager().newSubManager()) {
          Shape shape = feed.inputShape(n);
          NDList data = feed.toTrainerInput(batch, new NDList(batch.create(FloatBuffer.wrap(x), shape)));
          NDList labels = new NDList(batch.create(y));
          float loss;
          float[] logits;
          try (GradientCollector collector = trainer.newGradientCollector()) {
            NDList predictions = trainer.forward(data, labels);
            NDArray lossValue = trainer.getLoss().evaluate(labels, predictions);
            collector.backward(lossValue);
            loss = lossValue.getFloat();
            logits = predictions.singletonOrThrow().toFloatArray();
          }
          trainer.step();
          if (!Float.isFinite(loss)) {
            throw new IllegalStateException("training loss became " + loss + " in epoch " + epoch
                + "; lower the learning rate (--lr), e.g. to " + o.learningRate() / 10);
          }
          lossSum += loss * n;
          for (int i = 0; i < n; i++) {
            if (argmax(logits, i * 4, 4) == y[i]) {
              correct++;
            }
          }
        }
        seen += n;
        bar.update(seen, String.format(Locale.ROOT, "loss %.4f acc %.4f", lossSum / seen, (double) correct / seen));
      }
      bar.finish(String.format(Locale.ROOT, "loss %.4f acc %.4f", lossSum / seen, (double) correct / seen));
      return new double[] {lossSum / seen, (double) correct / seen};
    }

    /** What an epoch feeds and which block it trains. */
    private interface Feed extends AutoCloseable {
      /** The model whose block the trainer updates. */
      Model trainable();

      /** The shape of a batch of {@code n} inputs. */
      Shape inputShape(int n);

      int valuesPerExample();

      /** Writes the training input of {@code e} into {@code x} from {@code offset}. */
      void write(TrainingExample e, float[] x, int offset);

      /**
       * What the trainer's block receives for a batch written by {@link #write}; runs before the
       * gradient tape starts, so nothing done here is trained.
       */
      default NDList toTrainerInput(NDManager batch, NDList input) {
        return input;
      }

      /** The shape the trainer's block receives for a batch of {@code n}. */
      default Shape trainerInputShape(int n) {
        return inputShape(n);
      }

      /** Predictions of the model as it is now. */
      List<ClassProbabilities> predict(List<TrainingExample> examples);

      /** Whether each epoch writes a checkpoint bundle. */
      boolean checkpointed();

      @Override
      void close();
    }

    /** A model over the network's own head block: training it trains the very same parameters. */
    private Model headModel() {
      Model head = Model.newInstance("head", model.device());
      head.setBlock(model.network().head());
      return head;
    }

    /** Augmented images through the whole network (the backbone learns at its own rate). */
    private class ImageFeed implements Feed {
      @Override
      public Model trainable() {
        return model.model();
      }

      @Override
      public Shape inputShape(int n) {
        return model.network().inputShape(n);
      }

      @Override
      public int valuesPerExample() {
        return preprocessor.valuesPerImage();
      }

      @Override
      public void write(TrainingExample e, float[] x, int offset) {
        preprocessor.write(o.augmentation().apply(preprocessor.resize(e.image()), random), x, offset);
      }

      @Override
      public List<ClassProbabilities> predict(List<TrainingExample> examples) {
        return Training.predict(model, examples, o.batchSize());
      }

      @Override
      public boolean checkpointed() {
        return true;
      }

      @Override
      public void close() {}
    }

    /**
     * Augmented images through a frozen backbone, then the head (the seed's transfer learning):
     * each batch's features are computed in inference mode before the gradient tape starts, so
     * batch normalization keeps its statistics on every engine (MXNet refuses an inference-mode
     * batch norm while it records gradients) and only the head's parameters are updated.
     */
    private final class FrozenBackboneFeed extends ImageFeed {
      private final Model head;
      private final long dim;

      FrozenBackboneFeed() {
        dim = model.network().backbone().getOutputShapes(
            new Shape[] {model.network().inputShape(1)})[0].get(1);
        head = headModel();
      }

      @Override
      public Model trainable() {
        return head;
      }

      @Override
      public Shape trainerInputShape(int n) {
        return new Shape(n, dim);
      }

      @Override
      public NDList toTrainerInput(NDManager batch, NDList input) {
        return model.network().backbone().forward(new ParameterStore(batch, false), input, false);
      }

      @Override
      public void close() {
        head.close();
      }
    }

    /**
     * Cached backbone features through the head alone: the backbone stays as it is and is never
     * run here, so an epoch costs only the small dense layers. Features are of unaugmented images.
     * No per-epoch checkpoints: such a run takes seconds and its bundle is written at the end.
     */
    private final class FeatureFeed implements Feed {
      private final Map<TrainingExample, float[]> features = new IdentityHashMap<>();
      private final int dim;
      private final Model head;

      FeatureFeed(TrainingData data) {
        List<TrainingExample> all = new ArrayList<>(data.train());
        all.addAll(data.validation());
        float[][] f = o.featureCache().features(model, all);
        for (int i = 0; i < f.length; i++) {
          features.put(all.get(i), f[i]);
        }
        dim = f[0].length;
        head = headModel();
      }

      @Override
      public Model trainable() {
        return head;
      }

      @Override
      public Shape inputShape(int n) {
        return new Shape(n, dim);
      }

      @Override
      public int valuesPerExample() {
        return dim;
      }

      @Override
      public void write(TrainingExample e, float[] x, int offset) {
        System.arraycopy(features.get(e), 0, x, offset, dim);
      }

      @Override
      public List<ClassProbabilities> predict(List<TrainingExample> examples) {
        float[][] f = new float[examples.size()][];
        for (int i = 0; i < f.length; i++) {
          f[i] = features.get(examples.get(i));
        }
        return predictHead(model, f, o.batchSize());
      }

      @Override
      public boolean checkpointed() {
        return false;
      }

      @Override
      public void close() {
        head.close();
      }
    }

    private double weightedLoss(int[] labels, List<ClassProbabilities> predictions) {
      double sum = 0;
      for (int i = 0; i < labels.length; i++) {
        sum -= weights[labels[i]] * Math.log(Math.max(1e-12, predictions.get(i).probability(labels[i])));
      }
      return labels.length == 0 ? Double.NaN : sum / labels.length;
    }

    private void checkpoint(Path dir, int epoch, boolean best) {
      Path last = dir.resolve("last.bundle");
      BundleMetadata metadata = BundleMetadata.of(model, "checkpoint-epoch-" + epoch, null, Map.of(),
          Map.of("epoch", Integer.toString(epoch)));
      ModelBundle.write(model, metadata, last);
      if (best) {
        try {
          Files.copy(last, dir.resolve("best.bundle"), StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException e) {
          throw new UncheckedIOException("keeping the best checkpoint failed: " + e.getMessage(), e);
        }
      }
    }

    private byte[] snapshot() {
      ByteArrayOutputStream bytes = new ByteArrayOutputStream();
      try (DataOutputStream out = new DataOutputStream(bytes)) {
        model.network().saveParameters(out);
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
      return bytes.toByteArray();
    }

    private void restore(byte[] parameters) {
      try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(parameters))) {
        model.network().loadParameters(model.model().getNDManager(), in);
      } catch (IOException | MalformedModelException e) {
        throw new IllegalStateException("restoring the best epoch's parameters failed: " + e.getMessage(), e);
      }
    }
  }

  private static int argmax(float[] values, int offset, int length) {
    int best = 0;
    for (int i = 1; i < length; i++) {
      if (values[offset + i] > values[offset + best]) {
        best = i;
      }
    }
    return best;
  }
}
