package io.neurostream.demo;

import io.neurostream.avro.ImageEncoding;
import io.neurostream.model.ModelSpec;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * What a demo run does. The defaults are tuned so that the whole run, with a fine-tune and a
 * hot-swap, fits in about three minutes on two busy cores; every knob scales it up. Build with
 * {@link #builder()}.
 *
 * @param workDir where phantoms, models, logs and the report go; null for a new temp dir
 * @param subjects phantom subjects in all (initial set plus stream set)
 * @param slicesPerSubject axial slices per subject
 * @param initialSubjects subjects the initial model is trained on (the rest stream)
 * @param imageSize phantom and network input size in pixels
 * @param depth ResNet depth of the initial model
 * @param initialEpochs epochs of the initial model's short training
 * @param model a bundle to start from instead of training one; null to train
 * @param rate scans per second the PACS sends
 * @param labelFraction share of streamed scans the radiologist labels
 * @param labelDelay mean delay between a scan and its label
 * @param retrainAfter labels after which the demo asks the trainer for a round (and again after as
 *     many more, up to {@code rounds})
 * @param rounds fine-tune rounds the demo asks for
 * @param holdBack share of the stream held back until the trainer decided on its first round, so
 *     that the fine-tuned model is seen serving
 * @param seed seeds phantoms, split, stream order, labels and training
 * @param proportions subject proportions per stage (Non, Very mild, Mild, Moderate)
 * @param encoding how the PACS encodes slices (DICOM or PNG)
 * @param streamThreads classifier stream threads
 * @param progressInterval how often the progress line is printed
 * @param decisionTimeout longest wait for the trainer's decision before streaming the rest
 * @param drainTimeout longest wait for outcomes without any progress at the end
 * @param keepKafkaData keep the broker's data and the services' state in the work dir
 * @param verbose service logs on the console too (they always go to {@code demo.log})
 * @param settings configuration keys for the classifier and the trainer ({@code --set}), over the
 *     demo's own
 */
public record DemoOptions(
    Path workDir,
    int subjects,
    int slicesPerSubject,
    int initialSubjects,
    int imageSize,
    int depth,
    int initialEpochs,
    Path model,
    double rate,
    double labelFraction,
    Duration labelDelay,
    int retrainAfter,
    int rounds,
    double holdBack,
    long seed,
    double[] proportions,
    ImageEncoding encoding,
    int streamThreads,
    Duration progressInterval,
    Duration decisionTimeout,
    Duration drainTimeout,
    boolean keepKafkaData,
    boolean verbose,
    Map<String, String> settings) {

  public DemoOptions {
    require(subjects >= 8, "--subjects " + subjects + " is too few; use at least 8");
    require(slicesPerSubject >= 1 && slicesPerSubject <= 256,
        "--slices-per-subject " + slicesPerSubject + " must be 1..256");
    require(initialSubjects >= 4 && initialSubjects <= subjects - 4, "--initial-subjects "
        + initialSubjects + " must be at least 4 and leave at least 4 of --subjects " + subjects + " to stream");
    require(imageSize >= ModelSpec.MIN_INPUT_SIZE && imageSize <= 512,
        "--image-size " + imageSize + " must be " + ModelSpec.MIN_INPUT_SIZE + "..512");
    require(ModelSpec.SUPPORTED_DEPTHS.contains(depth), "--depth " + depth + " is not a ResNet depth; use one of "
        + ModelSpec.SUPPORTED_DEPTHS.stream().sorted().toList());
    require(initialEpochs >= 1, "--initial-epochs must be at least 1");
    require(rate > 0 && rate <= 10_000, "--rate " + rate + " must be in (0, 10000] scans/s");
    require(labelFraction > 0 && labelFraction <= 1,
        "--label-fraction " + labelFraction + " must be in (0, 1]; the trainer needs labels");
    require(!labelDelay.isNegative(), "--label-delay must not be negative");
    require(retrainAfter >= 10, "--retrain-after " + retrainAfter + " is too few labels for a round; use 10 or more");
    require(rounds >= 1, "--rounds must be at least 1");
    require(holdBack >= 0 && holdBack < 1, "hold-back share " + holdBack + " must be in [0, 1)");
    require(proportions.length == 4, "--proportions needs 4 weights (Non, Very mild, Mild, Moderate), got "
        + Arrays.toString(proportions));
    require(encoding == ImageEncoding.DICOM || encoding == ImageEncoding.PNG,
        "--encoding must be DICOM or PNG");
    require(streamThreads >= 1 && streamThreads <= 64, "--threads must be 1..64");
    proportions = proportions.clone();
    settings = Map.copyOf(settings);
  }

  private static void require(boolean ok, String message) {
    if (!ok) {
      throw new IllegalArgumentException(message);
    }
  }

  @Override
  public double[] proportions() {
    return proportions.clone();
  }

  /** Scans the PACS streams (the subjects not in the initial set, all their slices). */
  public int streamScans() {
    return (subjects - initialSubjects) * slicesPerSubject;
  }

  /** One line of what this run does, for the console and the report. */
  public String describe() {
    return String.format(Locale.ROOT,
        "%d subjects × %d slices at %d px (%d for the initial model, %d streamed = %,d scans) at %.0f scans/s; "
            + "%.0f%% labelled after ~%.1f s; fine-tune after %d labels; initial model %s",
        subjects, slicesPerSubject, imageSize, initialSubjects, subjects - initialSubjects, streamScans(),
        rate, labelFraction * 100, labelDelay.toMillis() / 1000.0, retrainAfter,
        model != null ? model.toString() : String.format(Locale.ROOT, "ResNet-%d trained %d epochs", depth,
            initialEpochs));
  }

  public static Builder builder() {
    return new Builder();
  }

  /** Builds {@link DemoOptions}; every option has a default. */
  public static final class Builder {
    private Path workDir;
    private int subjects = 240;
    private int slicesPerSubject = 6;
    private int initialSubjects = 30;
    private int imageSize = 64;
    private int depth = 18;
    private int initialEpochs = 8;
    private Path model;
    private double rate = 20;
    private double labelFraction = 0.75;
    private Duration labelDelay = Duration.ofSeconds(2);
    private int retrainAfter = 400;
    private int rounds = 1;
    private double holdBack = 0.4;
    private long seed = 7;
    private double[] proportions = {0.35, 0.30, 0.20, 0.15};
    private ImageEncoding encoding = ImageEncoding.DICOM;
    private int streamThreads = 1;
    private Duration progressInterval = Duration.ofSeconds(3);
    private Duration decisionTimeout = Duration.ofMinutes(3);
    private Duration drainTimeout = Duration.ofMinutes(2);
    private boolean keepKafkaData;
    private boolean verbose;
    private final Map<String, String> settings = new LinkedHashMap<>();
    private Duration duration;

    private Builder() {}

    public Builder optWorkDir(Path workDir) {
      this.workDir = workDir;
      return this;
    }

    public Builder optSubjects(int subjects) {
      this.subjects = subjects;
      return this;
    }

    public Builder optSlicesPerSubject(int slices) {
      this.slicesPerSubject = slices;
      return this;
    }

    public Builder optInitialSubjects(int initialSubjects) {
      this.initialSubjects = initialSubjects;
      return this;
    }

    public Builder optImageSize(int imageSize) {
      this.imageSize = imageSize;
      return this;
    }

    public Builder optDepth(int depth) {
      this.depth = depth;
      return this;
    }

    public Builder optInitialEpochs(int epochs) {
      this.initialEpochs = epochs;
      return this;
    }

    public Builder optModel(Path model) {
      this.model = model;
      return this;
    }

    public Builder optRate(double rate) {
      this.rate = rate;
      return this;
    }

    public Builder optLabelFraction(double labelFraction) {
      this.labelFraction = labelFraction;
      return this;
    }

    public Builder optLabelDelay(Duration labelDelay) {
      this.labelDelay = labelDelay;
      return this;
    }

    public Builder optRetrainAfter(int labels) {
      this.retrainAfter = labels;
      return this;
    }

    public Builder optRounds(int rounds) {
      this.rounds = rounds;
      return this;
    }

    public Builder optHoldBack(double share) {
      this.holdBack = share;
      return this;
    }

    public Builder optSeed(long seed) {
      this.seed = seed;
      return this;
    }

    public Builder optProportions(double... proportions) {
      this.proportions = proportions.clone();
      return this;
    }

    public Builder optEncoding(ImageEncoding encoding) {
      this.encoding = encoding;
      return this;
    }

    public Builder optStreamThreads(int threads) {
      this.streamThreads = threads;
      return this;
    }

    public Builder optProgressInterval(Duration interval) {
      this.progressInterval = interval;
      return this;
    }

    public Builder optDecisionTimeout(Duration timeout) {
      this.decisionTimeout = timeout;
      return this;
    }

    public Builder optDrainTimeout(Duration timeout) {
      this.drainTimeout = timeout;
      return this;
    }

    public Builder optKeepKafkaData(boolean keep) {
      this.keepKafkaData = keep;
      return this;
    }

    public Builder optVerbose(boolean verbose) {
      this.verbose = verbose;
      return this;
    }

    /** A configuration key of the classifier or the trainer, e.g. {@code trainer.mode=full}. */
    public Builder optSetting(String key, String value) {
      this.settings.put(key, value);
      return this;
    }

    /**
     * Sizes the stream to last {@code duration} at the configured rate: the subject count becomes
     * the initial subjects plus as many stream subjects as that many scans need (replaces
     * {@link #optSubjects}).
     */
    public Builder optDuration(Duration duration) {
      if (duration != null && (duration.isNegative() || duration.isZero())) {
        throw new IllegalArgumentException("--duration " + duration + " must be positive");
      }
      this.duration = duration;
      return this;
    }

    public DemoOptions build() {
      if (duration != null) {
        long scans = (long) Math.ceil(rate * duration.toMillis() / 1000.0);
        long streamSubjects = Math.max(4, (scans + slicesPerSubject - 1) / slicesPerSubject);
        if (initialSubjects + streamSubjects > 1_000_000) {
          throw new IllegalArgumentException("--duration " + duration + " at --rate " + rate
              + " needs " + streamSubjects + " subjects; shorten it or lower the rate");
        }
        subjects = initialSubjects + (int) streamSubjects;
      }
      return new DemoOptions(workDir, subjects, slicesPerSubject, initialSubjects, imageSize, depth,
          initialEpochs, model, rate, labelFraction, labelDelay, retrainAfter, rounds, holdBack, seed,
          proportions, encoding, streamThreads, progressInterval, decisionTimeout, drainTimeout,
          keepKafkaData, verbose, settings);
    }
  }
}
