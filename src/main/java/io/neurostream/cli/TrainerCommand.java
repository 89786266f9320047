package io.neurostream.cli;

import io.neurostream.config.CommonKeys;
import io.neurostream.trainer.TrainerConfig;
import io.neurostream.trainer.TrainerKeys;
import io.neurostream.trainer.TrainerService;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code neurostream trainer}: the continuous fine-tuning service. */
@Command(
    name = "trainer",
    mixinStandardHelpOptions = true,
    description = {
      "Fine-tune the served model on the labels of mri.labels and publish each candidate to "
          + "mri.model-releases: PROMOTED if it beats the served model on a patient-level holdout, "
          + "else REJECTED with the reason. Rounds start after trainer.min.new.labels new labels, "
          + "every trainer.interval.minutes, or on POST /train-now (neurostream models train-now).",
      "Ops on http://HOST:9405: /metrics, /live, /ready, /train-now. Runs until SIGTERM."
    })
public final class TrainerCommand implements Callable<Integer> {

  @Option(names = "--initial-bundle", paramLabel = "BUNDLE",
      description = "With no PROMOTED release yet, publish this bundle first (trainer.bootstrap.bundle).")
  Path initialBundle;

  @Option(names = "--mode", paramLabel = "head|full",
      description = "head: train the head on cached backbone features; full: the whole network (trainer.mode).")
  String mode;

  @Option(names = "--min-new-labels", paramLabel = "N",
      description = "New labels that start a round (trainer.min.new.labels).")
  Integer minNewLabels;

  @Option(names = "--metrics-port", paramLabel = "PORT",
      description = "Port of /metrics, /live, /ready, /train-now; 0 picks one (metrics.port, default 9405).")
  Integer metricsPort;

  @Option(names = "--state-dir", paramLabel = "DIR",
      description = "Local caches: fetched bundles, backbone features, round reports (state.dir).")
  Path stateDir;

  @Mixin ClusterOptions cluster;

  @Override
  public Integer call() throws Exception {
    return new ServiceRunner("trainer", new TrainerKeys()).run(cluster.sources()
        .optFlag(CommonKeys.METRICS_PORT.name(), metricsPort, "--metrics-port")
        .optFlag(CommonKeys.STATE_DIR.name(), stateDir, "--state-dir")
        .optFlag(TrainerKeys.BOOTSTRAP_BUNDLE.name(), initialBundle, "--initial-bundle")
        .optFlag(TrainerKeys.MODE.name(), mode, "--mode")
        .optFlag(TrainerKeys.MIN_NEW_LABELS.name(), minNewLabels, "--min-new-labels")
        .build(), TrainerConfig::from, TrainerService::start, TrainerService::awaitStopped);
  }
}
