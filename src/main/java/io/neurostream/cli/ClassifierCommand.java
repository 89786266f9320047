package io.neurostream.cli;

import io.neurostream.classifier.ClassifierKeys;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code neurostream classifier}: the streaming classifier service. */
@Command(
    name = "classifier",
    mixinStandardHelpOptions = true,
    description = {
      "Classify the scans on mri.scans into mri.predictions (dead letters to mri.scans.dlq), "
          + "following model releases on mri.model-releases. Runs until SIGTERM; then finishes "
          + "the batch in hand, commits and exits within 30 s.",
      "Also runs the series verdict stage (mri.predictions -> mri.series-verdicts) unless "
          + "verdict.enabled=false; see docs/series-verdicts.md.",
      "Metrics on http://HOST:metrics.port/metrics, probes on /live and /ready."
    })
public final class ClassifierCommand implements Callable<Integer> {

  @Option(names = "--model", paramLabel = "BUNDLE",
      description = "Model bundle served until a PROMOTED release exists (model.bundle).")
  Path model;

  @Option(names = "--model-version", paramLabel = "VERSION",
      description = "Serve this version only and stop following releases (model.version).")
  String modelVersion;

  @Option(names = "--threads", paramLabel = "N",
      description = "Stream threads, each with its own Predictor (num.stream.threads).")
  Integer threads;

  @Option(names = "--application-id", paramLabel = "ID",
      description = "Kafka Streams application id (application.id).")
  String applicationId;

  @Mixin ServiceOptions.MetricsPort metricsPort;

  @Mixin ServiceOptions.StateDir stateDir;

  @Mixin ClusterOptions cluster;

  @Override
  public Integer call() throws Exception {
    return new ServiceRunner("classifier", new ClassifierProcessServices.Keys()).run(
        stateDir.addTo(metricsPort.addTo(cluster.sources()))
        .optFlag(ClassifierKeys.MODEL_BUNDLE.name(), model, "--model")
        .optFlag(ClassifierKeys.MODEL_VERSION.name(), modelVersion, "--model-version")
        .optFlag(ClassifierKeys.NUM_STREAM_THREADS.name(), threads, "--threads")
        .optFlag(ClassifierKeys.APPLICATION_ID.name(), applicationId, "--application-id")
        .build(), ClassifierProcessServices.Config::from, ClassifierProcessServices::start,
        ClassifierProcessServices::awaitStopped);
  }
}
