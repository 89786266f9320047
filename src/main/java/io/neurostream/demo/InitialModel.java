package io.neurostream.demo;

import io.neurostream.config.Plural;
import io.neurostream.model.ModelBundle;
import io.neurostream.model.ModelSpec;
import io.neurostream.training.EvaluationMetrics;
import io.neurostream.training.Training;
import io.neurostream.training.TrainingOptions;
import io.neurostream.training.TrainingResult;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.Locale;

/**
 * The model the demo starts from: a quick, deliberately weak one trained on the initial subjects
 * (a reduced ResNet for a few epochs, as a first model trained on a small early cohort would be),
 * or a bundle the user gives.
 *
 * @param bundle the model bundle
 * @param version its version
 * @param description how it came about, for the console and the report
 */
record InitialModel(Path bundle, String version, String description) {

  /** Trains on the cohort's initial set with {@link Training}; its progress goes to {@code progress}. */
  static InitialModel train(DemoCohort cohort, Path dir, DemoOptions o, PrintStream progress) {
    ModelSpec spec = ModelSpec.builder().optDepth(o.depth()).optInputSize(o.imageSize()).build();
    TrainingResult result = Training.run(TrainingOptions.builder()
        .setDataDir(cohort.initialSet())
        .setOutput(dir.resolve("initial.bundle"))
        .optReportDir(dir)
        .optSpec(spec)
        .optEpochs(o.initialEpochs())
        .optPatience(o.initialEpochs())
        .optBatchSize(16)
        .optSeed(o.seed())
        // no holdout of its own: every subject it does not train on is in the stream, which scores it
        .optValidationFraction(0.15)
        .optTestFraction(0)
        .optProgress(progress)
        .build());
    EvaluationMetrics scored = result.holdout() != null ? result.holdout() : result.validation();
    return new InitialModel(result.bundle(), result.version(), String.format(Locale.ROOT,
        "%s trained %s on %s (%s) in %.0f s; balanced accuracy %.3f on its own "
            + "%d-slice %s", spec.architecture(), Plural.of(result.history().size(), "epoch"),
        Plural.of(cohort.initialSubjectCount(), "subject"), Plural.of(result.trainCount(), "slice"), result.seconds(), scored.balancedAccuracy(), scored.count(),
        result.holdout() != null ? "holdout" : "validation set"));
  }

  /** A given bundle, checked (format and checksum) before anything starts. */
  static InitialModel given(Path bundle) {
    ModelBundle opened = ModelBundle.open(bundle);
    return new InitialModel(bundle, opened.metadata().version(), String.format(Locale.ROOT,
        "%s from %s", opened.metadata().architecture(), bundle));
  }
}
