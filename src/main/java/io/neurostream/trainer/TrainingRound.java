package io.neurostream.trainer;

import ai.djl.Device;
import io.neurostream.avro.ModelRelease;
import io.neurostream.avro.ReleaseStatus;
import io.neurostream.avro.SeriesAggregation;
import io.neurostream.config.Plural;
import io.neurostream.imaging.GrayImage;
import io.neurostream.imaging.ImageDecodeException;
import io.neurostream.imaging.ImageDecoder;
import io.neurostream.model.ClassProbabilities;
import io.neurostream.model.ComputeDevice;
import io.neurostream.model.ModelBundle;
import io.neurostream.model.ScanClassifierModel;
import io.neurostream.training.Augmentation;
import io.neurostream.training.Evaluation;
import io.neurostream.training.EvaluationMetrics;
import io.neurostream.training.FeatureCache;
import io.neurostream.training.SeriesMetrics;
import io.neurostream.training.Training;
import io.neurostream.training.TrainingData;
import io.neurostream.training.TrainingExample;
import io.neurostream.training.TrainingOptions;
import io.neurostream.training.TrainingResult;
import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The work of one round, without Kafka: turn the labeled set into training, validation and
 * holdout examples by patient, fine-tune the served model with {@link Training}, score candidate
 * and served model on the same holdout, and let the {@link PromotionGate} decide. Also makes the
 * first model when there is none. The caller publishes what it returns.
 */
final class TrainingRound {

  private static final Logger LOG = LoggerFactory.getLogger(TrainingRound.class);
  /** Share of a round's budget left for scoring and publishing after training. */
  private static final double AFTER_TRAINING_SHARE = 0.2;
  /** Series-level figures fold a patient's slices as the verdict stage does by default. */
  static final SeriesAggregation SERIES_AGGREGATION = SeriesAggregation.MEAN_PROBABILITY;

  private final TrainerConfig config;
  private final FeatureCache features;
  private final PrintStream progress;

  /**
   * @param features the feature cache of head-only rounds (ignored in full mode)
   * @param progress where Training's progress goes, or null
   */
  TrainingRound(TrainerConfig config, FeatureCache features, PrintStream progress) {
    this.config = config;
    this.features = config.headOnly() ? features : null;
    this.progress = progress;
  }

  /**
   * The labeled set as examples, split by patient.
   *
   * @param undecodable labeled scans whose image could not be decoded (left out)
   */
  record Examples(
      List<TrainingExample> train,
      List<TrainingExample> validation,
      List<TrainingExample> holdout,
      int undecodable) {

    int total() {
      return train.size() + validation.size() + holdout.size();
    }
  }

  /** What a round produced: the model and the release it should become. */
  record Result(ModelBundle bundle, ReleaseDraft draft, Duration took) {}

  /** A round that cannot run yet, with what it needs. */
  static final class NotReady extends Exception {
    NotReady(String message) {
      super(message);
    }
  }

  /** Decodes the labeled scans at {@code inputSize} and splits them by patient. */
  static Examples examples(LabeledSet.Snapshot labels, PatientSplit split, int inputSize) {
    List<TrainingExample> train = new ArrayList<>();
    List<TrainingExample> validation = new ArrayList<>();
    List<TrainingExample> holdout = new ArrayList<>();
    int undecodable = 0;
    for (LabeledSet.Entry e : labels.entries()) {
      GrayImage image;
      try {
        image = ImageDecoder.decode(e.image(), e.encoding(), e.width(), e.height())
            .resize(inputSize, inputSize);
      } catch (ImageDecodeException ex) {
        undecodable++;
        LOG.warn("labeled scan {} is left out: its image does not decode ({})", e.scanId(), ex.getMessage());
        continue;
      }
      TrainingExample example = new TrainingExample(image, e.label(), e.patientKey());
      switch (split.partOf(e.patientKey())) {
        case HOLDOUT -> holdout.add(example);
        case VALIDATION -> validation.add(example);
        case TRAIN -> train.add(example);
      }
    }
    return new Examples(train, validation, holdout, undecodable);
  }

  /**
   * Fine-tunes the served model and decides on the candidate.
   *
   * @param deadline System.nanoTime() by which the round should be done
   */
  Result fineTune(
      LabeledSet.Snapshot labels, ModelRelease current, ModelBundle currentBundle, String version,
      String trigger, int newLabels, long deadline) throws NotReady {
    long started = System.nanoTime();
    int inputSize = currentBundle.metadata().spec().inputSize();
    Examples ex = examples(labels, config.split(), inputSize);
    requireEnough(ex, true);
    TrainingResult result = Training.run(options(version, deadline, started)
        .optInitialBundle(currentBundle.path())
        .optBackboneLearningRateFactor(config.backboneLearningRateFactor())
        .build(), data(ex));
    EvaluationMetrics candidate = result.holdout();
    EvaluationMetrics served;
    EvaluationMetrics servedSeries;
    try (ScanClassifierModel model = currentBundle.load(device())) {
      List<ClassProbabilities> p = Evaluation.predictions(model, ex.holdout(), config.batchSize(),
          features);
      served = EvaluationMetrics.of(labelIndices(ex.holdout()), p);
      servedSeries = SeriesMetrics.of(ex.holdout(), p, SERIES_AGGREGATION);
    }
    EvaluationMetrics candidateSeries;
    try (ScanClassifierModel model = ModelBundle.open(result.bundle()).load(device())) {
      candidateSeries = SeriesMetrics.of(ex.holdout(), Evaluation.predictions(model, ex.holdout(),
          config.batchSize(), features), SERIES_AGGREGATION);
    }
    PromotionGate.Decision decision =
        config.gate().decide(candidate, served, candidateSeries, servedSeries);
    Duration took = Duration.ofNanos(System.nanoTime() - started);
    ModelBundle bundle = ModelBundle.open(result.bundle());
    Map<String, String> provenance = provenance(bundle, labels, ex, trigger, newLabels, took);
    ReleaseDraft draft = new ReleaseDraft(
        decision.promote() ? ReleaseStatus.PROMOTED : ReleaseStatus.REJECTED,
        decision.reason() + " (round: " + trigger + ")",
        current.getVersion(), withSeries(metrics(result, candidate), candidateSeries),
        withSeries(served.asMap(), servedSeries), provenance);
    LOG.info(String.format(Locale.ROOT,
        "round %s: %s vs %s on %s -> %s in %.1f s (%s, best %d%s)",
        version, fmt(candidate), fmt(served), Plural.of(candidate.count(), "holdout scan"), draft.status(),
        took.toMillis() / 1e3, Plural.of(result.history().size(), "epoch"), result.bestEpoch(),
        provenance.containsKey("stopped_by_time") ? ", stopped by the time budget" : ""));
    return new Result(bundle, draft, took);
  }

  /**
   * Trains a first model from the labels (head-only on a pretrained backbone when one is
   * configured, else the whole network): PROMOTED, as there is nothing to compare it with.
   */
  Result trainInitial(LabeledSet.Snapshot labels, String version, String trigger, int newLabels,
      long deadline) throws NotReady {
    long started = System.nanoTime();
    Examples ex = examples(labels, config.split(), config.initialSpec().inputSize());
    requireEnough(ex, false);
    boolean pretrained = config.initialBackbone().isPresent();
    TrainingOptions.Builder options = options(version, deadline, started)
        .optSpec(config.initialSpec())
        .optBackbone(config.initialBackbone().orElse(null));
    if (!pretrained) {
      // the features of a random backbone say little: the first model learns everything
      options.optFeatureCache(null);
    }
    TrainingResult result = Training.run(options.build(), data(ex));
    EvaluationMetrics scored = result.holdout() != null ? result.holdout() : result.validation();
    Duration took = Duration.ofNanos(System.nanoTime() - started);
    ModelBundle bundle = ModelBundle.open(result.bundle());
    ReleaseDraft draft = new ReleaseDraft(ReleaseStatus.PROMOTED,
        String.format(Locale.ROOT, "initial model trained on %d labels, %s %.4f; no release to "
            + "compare with (round: %s)", ex.total(), result.holdout() != null
            ? "holdout balanced accuracy" : "validation balanced accuracy (no holdout yet)",
            scored.balancedAccuracy(), trigger),
        null, metrics(result, scored), Map.of(),
        provenance(bundle, labels, ex, trigger, newLabels, took));
    return new Result(bundle, draft, took);
  }

  /** A given bundle as the first release, scored on the holdout if there are labels for it. */
  Result adopt(ModelBundle bundle, LabeledSet.Snapshot labels, Path source) {
    long started = System.nanoTime();
    Map<String, Double> metrics = bundle.metadata().metrics();
    String scoredOn = "its own training report";
    Examples ex = examples(labels, config.split(), bundle.metadata().spec().inputSize());
    if (!ex.holdout().isEmpty()) {
      try (ScanClassifierModel model = bundle.load(device())) {
        metrics = Evaluation.evaluate(model, ex.holdout(), config.batchSize(), features).asMap();
        scoredOn = ex.holdout().size() + " holdout scans";
      }
    }
    Map<String, String> provenance = new LinkedHashMap<>(bundle.metadata().provenance());
    provenance.put("trainer.bootstrap.bundle", source.toString());
    ReleaseDraft draft = new ReleaseDraft(ReleaseStatus.PROMOTED,
        "initial release from bundle " + source + " (metrics from " + scoredOn + ")",
        bundle.metadata().parentVersion(), metrics, Map.of(), provenance);
    return new Result(bundle, draft, Duration.ofNanos(System.nanoTime() - started));
  }

  private TrainingOptions.Builder options(String version, long deadline, long started) {
    Path dir = config.stateDir().resolve("rounds").resolve(version);
    long trainingNanos = (long) ((deadline - started) * (1 - AFTER_TRAINING_SHARE));
    return TrainingOptions.builder()
        .setOutput(dir.resolve("model.bundle"))
        .optReportDir(dir)
        .optVersion(version)
        .optEpochs(config.epochs())
        .optPatience(config.patience())
        .optBatchSize(config.batchSize())
        .optLearningRate(config.learningRate())
        .optSeed(config.seed())
        .optDevice(config.device())
        .optValidationFraction(config.split().validationFraction())
        .optTestFraction(config.split().holdoutFraction())
        .optAugmentation(config.headOnly() ? Augmentation.NONE : Augmentation.DEFAULT)
        .optClassWeighting(true)
        .optFeatureCache(features)
        .optMaxDuration(Duration.ofNanos(Math.max(1_000_000_000L, trainingNanos)))
        .optProgress(progress);
  }

  private TrainingData data(Examples ex) {
    return new TrainingData(ex.train(), ex.validation(), ex.holdout(), config.split().describe(),
        Map.of("dataset", "labels topic"));
  }

  private static void requireEnough(Examples ex, boolean needHoldout) throws NotReady {
    if (ex.train().isEmpty() || ex.validation().isEmpty() || (needHoldout && ex.holdout().isEmpty())) {
      throw new NotReady(String.format(Locale.ROOT,
          "not enough labeled patients yet: %d training, %d validation, %d holdout scans; "
              + "a round needs scans of patients in every part (waiting for more labels)",
          ex.train().size(), ex.validation().size(), ex.holdout().size()));
    }
  }

  private Map<String, String> provenance(ModelBundle bundle, LabeledSet.Snapshot labels,
      Examples ex, String trigger, int newLabels, Duration took) {
    Map<String, String> p = new LinkedHashMap<>(bundle.metadata().provenance());
    p.remove("initial_bundle"); // a local cache path, meaningless elsewhere
    p.put(ReleaseHistory.LABEL_OFFSETS, ReleaseHistory.formatOffsets(labels.offsets()));
    p.put("trainer.trigger", trigger);
    p.put("trainer.labels.total", Integer.toString(labels.entries().size()));
    p.put("trainer.labels.new", Integer.toString(newLabels));
    p.put("trainer.labels.undecodable", Integer.toString(ex.undecodable()));
    p.put("trainer.labels.by_stage", labels.countsByStage().toString());
    p.put("trainer.split", config.split().describe() + ", salt '" + config.split().salt() + "'");
    p.put("trainer.mode", features != null ? "head" : "full");
    p.put("trainer.round.seconds", String.format(Locale.ROOT, "%.1f", took.toMillis() / 1e3));
    return p;
  }

  private static Map<String, Double> metrics(TrainingResult result, EvaluationMetrics scored) {
    Map<String, Double> m = new LinkedHashMap<>(scored.asMap());
    m.put("validation.balanced_accuracy", result.validation().balancedAccuracy());
    return m;
  }

  /** The slice-level metrics with the series-level ones beside them, prefixed {@code series.}. */
  private static Map<String, Double> withSeries(Map<String, Double> slices,
      EvaluationMetrics series) {
    Map<String, Double> m = new LinkedHashMap<>(slices);
    series.asMap().forEach((k, v) -> m.put("series." + k, v));
    return m;
  }

  private static int[] labelIndices(List<TrainingExample> examples) {
    return examples.stream().mapToInt(TrainingExample::labelIndex).toArray();
  }

  private Device device() {
    return ComputeDevice.resolve(config.device());
  }

  private static String fmt(EvaluationMetrics m) {
    return String.format(Locale.ROOT, "balanced accuracy %.4f (recall %s)", m.balancedAccuracy(),
        Arrays.toString(m.classes().stream().mapToDouble(c -> Math.round(c.recall() * 1000) / 1000.0).toArray()));
  }
}
