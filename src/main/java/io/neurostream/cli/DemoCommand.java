package io.neurostream.cli;

import io.neurostream.avro.ImageEncoding;
import io.neurostream.demo.DemoOptions;
import io.neurostream.demo.DemoResult;
import io.neurostream.demo.DemoRun;
import io.neurostream.demo.DemoSummary;
import io.neurostream.model.DjlDefaults;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code neurostream demo}: the whole system in one JVM, from phantoms to a hot-swapped fine-tuned
 * model, ending with a per-version summary and an HTML report.
 */
@Command(
    name = "demo",
    mixinStandardHelpOptions = true,
    sortOptions = false,
    description = {
      "Run the whole system in this JVM: an embedded Kafka broker and schema registry, the classifier "
          + "and the trainer. Generates phantom brain-MRI scans, trains a quick initial model (or takes "
          + "--model), streams the scans as a PACS would while a radiologist labels a share of them, lets "
          + "the trainer fine-tune and hot-swap the model, and ends with a summary per model version and "
          + "WORK_DIR/report/report.html. Progress on stderr, summary on stdout, service logs in "
          + "WORK_DIR/demo.log. The defaults take two to four minutes on two busy cores.",
      "Synthetic data; NeuroStream is a research tool, not a medical device."
    })
public final class DemoCommand implements Callable<Integer> {

  @Option(names = "--work-dir", paramLabel = "DIR",
      description = "Where phantoms, models, the log and the report go; must be new or empty (default: a new temp dir).")
  Path workDir;

  @Option(names = "--subjects", paramLabel = "N",
      description = "Phantom subjects in all, initial set plus stream set (default: 240).")
  Integer subjects;

  @Option(names = "--duration", paramLabel = "DURATION",
      description = "Size the stream to last this long at --rate instead of giving --subjects, e.g. 10m, 90s.")
  String duration;

  @Option(names = "--slices-per-subject", paramLabel = "N", description = "Slices per subject (default: 6).")
  Integer slicesPerSubject;

  @Option(names = "--initial-subjects", paramLabel = "N",
      description = "Subjects the initial model is trained on; the rest stream (default: 36).")
  Integer initialSubjects;

  @Option(names = "--image-size", paramLabel = "PX", description = "Phantom and network input size (default: 64).")
  Integer imageSize;

  @Option(names = "--depth", paramLabel = "N", description = "ResNet depth of the initial model (default: 18).")
  Integer depth;

  @Option(names = "--initial-epochs", paramLabel = "N", description = "Epochs of the initial training (default: 10).")
  Integer initialEpochs;

  @Option(names = "--model", paramLabel = "BUNDLE", description = "Start from this model bundle instead of training one.")
  Path model;

  @Option(names = "--rate", paramLabel = "SCANS_PER_S", description = "Scans per second the PACS sends (default: 20).")
  Double rate;

  @Option(names = "--label-fraction", paramLabel = "F",
      description = "Share of scans the radiologist labels (default: 0.75).")
  Double labelFraction;

  @Option(names = "--label-delay", paramLabel = "DURATION",
      description = "Mean delay between a scan and its label, e.g. 2s (default: 2s).")
  String labelDelay;

  @Option(names = "--retrain-after", paramLabel = "LABELS",
      description = "Labels after which the trainer is asked for a fine-tune round (default: 400).")
  Integer retrainAfter;

  @Option(names = "--rounds", paramLabel = "N",
      description = "Fine-tune rounds to ask for, one per --retrain-after labels (default: 1).")
  Integer rounds;

  @Option(names = "--encoding", paramLabel = "DICOM|PNG", description = "How the PACS encodes slices (default: DICOM).")
  ImageEncoding encoding;

  @Option(names = "--threads", paramLabel = "N", description = "Classifier stream threads (default: 1).")
  Integer threads;

  @Option(names = "--seed", paramLabel = "N", description = "Seed of phantoms, split, stream, labels, training (default: 7).")
  Long seed;

  @Option(names = "--progress-every", paramLabel = "DURATION", description = "Progress line interval (default: 3s).")
  String progressEvery;

  @Option(names = "--keep-kafka-data", description = "Keep the broker's data and the services' state in the work dir.")
  boolean keepKafkaData;

  @Option(names = "--keep-running",
      description = "After the report, keep everything up (broker, registry, classifier, trainer, console) until Ctrl-C, to explore the console.")
  boolean keepRunning;

  @Option(names = "--verbose", description = "Service logs on the console too (they always go to demo.log).")
  boolean verbose;

  @Option(names = "--set", paramLabel = "KEY=VALUE",
      description = "A classifier or trainer configuration key, e.g. trainer.mode=full or batch.max.size=16.")
  Map<String, String> settings = new LinkedHashMap<>();

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Override
  public Integer call() throws Exception {
    DjlDefaults.apply();
    DemoResult result = DemoRun.run(options(), keepRunning,
        r -> {
          r.print(spec.commandLine().getOut());
          spec.commandLine().getOut().flush();
        });
    if (!keepRunning) {
      result.print(spec.commandLine().getOut());
    }
    DemoSummary.Accounting accounting = result.summary().accounting();
    if (!accounting.complete()) {
      throw new IllegalStateException(accounting.describe() + "; see " + result.log());
    }
    return 0;
  }

  DemoOptions options() {
    if (subjects != null && duration != null) {
      throw new IllegalArgumentException("give --subjects or --duration, not both");
    }
    DemoOptions.Builder b = DemoOptions.builder()
        .optWorkDir(workDir)
        .optModel(model)
        .optKeepKafkaData(keepKafkaData)
        .optVerbose(verbose);
    if (subjects != null) {
      b.optSubjects(subjects);
    }
    if (slicesPerSubject != null) {
      b.optSlicesPerSubject(slicesPerSubject);
    }
    if (initialSubjects != null) {
      b.optInitialSubjects(initialSubjects);
    }
    if (imageSize != null) {
      b.optImageSize(imageSize);
    }
    if (depth != null) {
      b.optDepth(depth);
    }
    if (initialEpochs != null) {
      b.optInitialEpochs(initialEpochs);
    }
    if (rate != null) {
      b.optRate(rate);
    }
    if (labelFraction != null) {
      b.optLabelFraction(labelFraction);
    }
    if (labelDelay != null) {
      b.optLabelDelay(duration("--label-delay", labelDelay));
    }
    if (retrainAfter != null) {
      b.optRetrainAfter(retrainAfter);
    }
    if (rounds != null) {
      b.optRounds(rounds);
    }
    if (encoding != null) {
      b.optEncoding(encoding);
    }
    if (threads != null) {
      b.optStreamThreads(threads);
    }
    if (seed != null) {
      b.optSeed(seed);
    }
    if (progressEvery != null) {
      b.optProgressInterval(duration("--progress-every", progressEvery));
    }
    if (duration != null) {
      b.optDuration(duration("--duration", duration));
    }
    settings.forEach(b::optSetting);
    return b.build();
  }

  /** {@code 90s}, {@code 10m}, {@code 1h}, {@code 500ms} or ISO-8601 ({@code PT2M}). */
  static Duration duration(String option, String text) {
    String t = text.trim().toLowerCase(Locale.ROOT);
    try {
      if (t.startsWith("pt") || t.startsWith("p")) {
        return Duration.parse(text.trim().toUpperCase(Locale.ROOT));
      }
      if (t.endsWith("ms")) {
        return Duration.ofMillis(Long.parseLong(t.substring(0, t.length() - 2)));
      }
      long n = Long.parseLong(t.substring(0, t.length() - 1));
      return switch (t.charAt(t.length() - 1)) {
        case 's' -> Duration.ofSeconds(n);
        case 'm' -> Duration.ofMinutes(n);
        case 'h' -> Duration.ofHours(n);
        default -> throw new NumberFormatException();
      };
    } catch (RuntimeException e) {
      throw new IllegalArgumentException(option + " " + text + " is not a duration; write e.g. 500ms, 90s, 10m or 1h");
    }
  }

}
