package io.neurostream.cli;

import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.neurostream.config.CommonKeys;
import io.neurostream.config.Configuration;
import io.neurostream.model.DjlDefaults;
import io.neurostream.trainer.TrainerConfig;
import io.neurostream.trainer.TrainerKeys;
import io.neurostream.trainer.TrainerService;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
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

  private static final Logger LOG = LoggerFactory.getLogger(TrainerCommand.class);

  @Option(names = "--bootstrap", paramLabel = "HOST:PORT",
      description = "Kafka brokers (bootstrap.servers, env KAFKA_BOOTSTRAP_SERVERS).")
  String bootstrap;

  @Option(names = "--registry", paramLabel = "URL",
      description = "Schema registry URL (schema.registry.url).")
  String registry;

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

  @Mixin ConfigOptions config;

  @Override
  public Integer call() throws Exception {
    DjlDefaults.apply();
    Configuration configuration = Configuration.load(config.sources()
        .optFlag(CommonKeys.BOOTSTRAP_SERVERS.name(), bootstrap, "--bootstrap")
        .optFlag(CommonKeys.SCHEMA_REGISTRY_URL.name(), registry, "--registry")
        .optFlag(CommonKeys.METRICS_PORT.name(), metricsPort, "--metrics-port")
        .optFlag(CommonKeys.STATE_DIR.name(), stateDir, "--state-dir")
        .optFlag(TrainerKeys.BOOTSTRAP_BUNDLE.name(), initialBundle, "--initial-bundle")
        .optFlag(TrainerKeys.MODE.name(), mode, "--mode")
        .optFlag(TrainerKeys.MIN_NEW_LABELS.name(), minNewLabels, "--min-new-labels")
        .build(), new CommonKeys(), new TrainerKeys());
    configuration.summary().forEach(line -> LOG.info("config {}", line));
    TrainerConfig trainer = TrainerConfig.from(configuration);

    PrometheusMeterRegistry metrics = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    new JvmMemoryMetrics().bindTo(metrics);
    new JvmGcMetrics().bindTo(metrics);
    new ProcessorMetrics().bindTo(metrics);

    TrainerService service = TrainerService.start(trainer, metrics);
    Runtime.getRuntime().addShutdownHook(new Thread(service::close, "trainer-shutdown"));
    int code = service.awaitStopped();
    if (code != 0) {
      LOG.error("trainer stopped after a fatal error; see the log above");
    }
    service.close();
    return code;
  }
}
