package io.neurostream.trainer;

import io.neurostream.config.ConfigKey;
import io.neurostream.config.ConfigKeySet;
import io.neurostream.config.Configuration;
import io.neurostream.config.ValueType;
import io.neurostream.kafka.Topics;
import io.neurostream.model.ModelSpec;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Keys of {@code neurostream trainer}. Kafka client properties (e.g. {@code transaction.timeout.ms})
 * pass through as for every service.
 */
public final class TrainerKeys implements ConfigKeySet {

  /** The trainer's ops port (/metrics, /live, /ready, /train-now) unless metrics.port is set. */
  public static final int DEFAULT_OPS_PORT = 9405;

  public static final ConfigKey<Integer> MIN_NEW_LABELS = ConfigKey.of(
      "trainer.min.new.labels", ValueType.intIn(1, 10_000_000), 200,
      "A round starts once this many labels arrived since the last round.");

  public static final ConfigKey<Integer> INTERVAL_MINUTES = ConfigKey.of(
      "trainer.interval.minutes", ValueType.intIn(0, 525_600), 60,
      "A round also starts when this many minutes passed since the last one and any label is new; "
          + "0 turns the timer off.");

  public static final ConfigKey<Integer> MAX_ROUND_SECONDS = ConfigKey.of(
      "trainer.max.round.seconds", ValueType.intIn(5, 86_400), 900,
      "Time budget of one round; training stops when it is spent and the best epoch so far is "
          + "evaluated and published.");

  public static final ConfigKey<String> MODE = ConfigKey.of(
      "trainer.mode", ValueType.oneOf("head", "full"), "head",
      "head: train the head on cached backbone features (one backbone pass per new scan); "
          + "full: fine-tune the whole network, the backbone at trainer.backbone.lr.factor.");

  public static final ConfigKey<Integer> EPOCHS = ConfigKey.of(
      "trainer.epochs", ValueType.intIn(1, 10_000), 40, "Most epochs per round.");

  public static final ConfigKey<Integer> PATIENCE = ConfigKey.of(
      "trainer.patience", ValueType.intIn(1, 10_000), 8,
      "Stop a round after this many epochs without a better validation balanced accuracy.");

  public static final ConfigKey<Integer> BATCH_SIZE = ConfigKey.of(
      "trainer.batch.size", ValueType.intIn(2, 4096), 32, "Examples per training step.");

  public static final ConfigKey<Double> LEARNING_RATE = ConfigKey.of(
      "trainer.learning.rate", number(1e-7, 1), 3e-3, "Adam's learning rate (of the head).");

  public static final ConfigKey<Double> BACKBONE_LR_FACTOR = ConfigKey.of(
      "trainer.backbone.lr.factor", number(0, 1), 0.1,
      "In full mode the backbone learns at learning rate × this.");

  public static final ConfigKey<Double> HOLDOUT_FRACTION = ConfigKey.of(
      "trainer.holdout.fraction", number(0.01, 0.5), 0.2,
      "Share of patients (by a hash of the patient key) whose scans only ever evaluate.");

  public static final ConfigKey<Double> VALIDATION_FRACTION = ConfigKey.of(
      "trainer.validation.fraction", number(0.01, 0.5), 0.15,
      "Share of patients whose scans choose the epoch (early stopping), never trained on.");

  public static final ConfigKey<String> HOLDOUT_SALT = ConfigKey.of(
      "trainer.holdout.salt", ValueType.string(), "neurostream-holdout",
      "Mixed into the patient hash; changing it draws a new holdout (old metrics stop being "
          + "comparable).");

  public static final ConfigKey<Double> MIN_IMPROVEMENT = ConfigKey.of(
      "trainer.promotion.min.improvement", number(0, 1), 0.01,
      "Promote only if holdout balanced accuracy improves by at least this much.");

  public static final ConfigKey<Double> MAX_RECALL_DROP = ConfigKey.of(
      "trainer.promotion.max.recall.drop", number(0, 1), 0.05,
      "Promote only if no class's holdout recall drops by more than this.");

  public static final ConfigKey<Double> MAX_SERIES_DROP = ConfigKey.of(
      "trainer.promotion.max.series.drop", number(0, 1), 1.0,
      "Promote only if the subject (series) level holdout balanced accuracy, each patient's "
          + "slices folded into one verdict as the verdict stage does, drops by at most this; "
          + "0 = must not be worse, 1 = check off.");

  public static final ConfigKey<String> ARTIFACT_STORE = ConfigKey.of(
      "trainer.artifact.store", ValueType.string(), "kafka",
      "Where artifacts go: kafka (chunks on " + Topics.MODEL_ARTIFACTS.name()
          + ") or file:///shared/dir readable by every classifier.");

  public static final ConfigKey<Integer> RELEASES_KEEP = ConfigKey.of(
      "trainer.releases.keep", ValueType.intIn(1, 10_000), 5,
      "Artifacts kept (the newest ones, plus the one being served); older ones are deleted. "
          + "Release records are kept as the audit trail.");

  public static final ConfigKey<Integer> ARTIFACT_CHUNK_BYTES = ConfigKey.of(
      "trainer.artifact.chunk.bytes", ValueType.intIn(1024, Topics.MAX_ARTIFACT_RECORD_BYTES - (1 << 20)),
      Topics.ARTIFACT_CHUNK_BYTES, "Payload of one artifact chunk record.");

  public static final ConfigKey<Integer> PUBLISH_MAX_BYTES_PER_SECOND = ConfigKey.of(
      "trainer.publish.max.bytes.per.second", ValueType.intIn(0, Integer.MAX_VALUE), 0,
      "Paces artifact publication so it does not saturate the brokers; 0 for no limit.");

  public static final ConfigKey<String> TRANSACTIONAL_ID = ConfigKey.of(
      "trainer.transactional.id", ValueType.string(), "neurostream-trainer",
      "Transactional id of the release producer: a restarted trainer aborts what its "
          + "predecessor left open, and a second trainer with the same id fences the first.");

  public static final ConfigKey<Path> BOOTSTRAP_BUNDLE = ConfigKey.optional(
      "trainer.bootstrap.bundle", ValueType.path(),
      "With no PROMOTED release yet, publish this bundle as the initial release.");

  public static final ConfigKey<Integer> INITIAL_DEPTH = ConfigKey.of(
      "trainer.initial.depth", ValueType.intIn(18, 152), 50,
      "With no release and no bootstrap bundle, the first model is trained from the labels with "
          + "this ResNet depth.");

  public static final ConfigKey<Integer> INITIAL_INPUT_SIZE = ConfigKey.of(
      "trainer.initial.input.size", ValueType.intIn(ModelSpec.MIN_INPUT_SIZE, 1024), 128,
      "Input size of a first model trained from the labels.");

  public static final ConfigKey<String> INITIAL_BACKBONE = ConfigKey.optional(
      "trainer.initial.backbone", ValueType.string(),
      "Pretrained backbone of a first model trained from the labels (bundle, .params or djl:// URL).");

  public static final ConfigKey<String> DEVICE = ConfigKey.of(
      "trainer.device", ValueType.string(), "auto", "auto, cpu, gpu or gpuN.");

  public static final ConfigKey<Integer> SEED = ConfigKey.of(
      "trainer.seed", ValueType.intIn(0, Integer.MAX_VALUE), 42,
      "Seeds initialization and shuffling of every round.");

  @Override
  public String service() {
    return "trainer";
  }

  @Override
  public List<ConfigKey<?>> keys() {
    return List.of(MIN_NEW_LABELS, INTERVAL_MINUTES, MAX_ROUND_SECONDS, MODE, EPOCHS, PATIENCE,
        BATCH_SIZE, LEARNING_RATE, BACKBONE_LR_FACTOR, HOLDOUT_FRACTION, VALIDATION_FRACTION,
        HOLDOUT_SALT, MIN_IMPROVEMENT, MAX_RECALL_DROP, MAX_SERIES_DROP, ARTIFACT_STORE, RELEASES_KEEP,
        ARTIFACT_CHUNK_BYTES, PUBLISH_MAX_BYTES_PER_SECOND, TRANSACTIONAL_ID, BOOTSTRAP_BUNDLE,
        INITIAL_DEPTH, INITIAL_INPUT_SIZE, INITIAL_BACKBONE, DEVICE, SEED);
  }

  @Override
  public List<String> check(Configuration c) {
    List<String> problems = new ArrayList<>();
    if (c.get(HOLDOUT_FRACTION) + c.get(VALIDATION_FRACTION) > 0.7) {
      problems.add(c.describe(HOLDOUT_FRACTION) + " and " + c.describe(VALIDATION_FRACTION)
          + " leave less than 30% of patients to train on; lower them");
    }
    try {
      ArtifactTarget.parse(c.get(ARTIFACT_STORE));
    } catch (IllegalArgumentException e) {
      problems.add(c.describe(ARTIFACT_STORE) + ": " + e.getMessage());
    }
    if (!ModelSpec.SUPPORTED_DEPTHS.contains(c.get(INITIAL_DEPTH))) {
      problems.add(c.describe(INITIAL_DEPTH) + " is not a ResNet depth; use one of "
          + ModelSpec.SUPPORTED_DEPTHS.stream().sorted().toList());
    }
    return problems;
  }

  /** A decimal number in {@code min..max}. */
  static ValueType<Double> number(double min, double max) {
    String rule = String.format(Locale.ROOT, "a number in %s..%s", fmt(min), fmt(max));
    return new ValueType<>() {
      @Override
      public Double parse(String raw) {
        double v;
        try {
          v = Double.parseDouble(raw);
        } catch (NumberFormatException e) {
          throw new IllegalArgumentException("is not a number");
        }
        if (!(v >= min && v <= max)) {
          throw new IllegalArgumentException("is outside " + fmt(min) + ".." + fmt(max));
        }
        return v;
      }

      @Override
      public String describe() {
        return rule;
      }

      @Override
      public String format(Double value) {
        return fmt(value);
      }
    };
  }

  private static String fmt(double v) {
    return v == Math.rint(v) && Math.abs(v) < 1e15 ? Long.toString((long) v) : Double.toString(v);
  }
}
