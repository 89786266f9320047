package io.neurostream.cli;

import io.neurostream.config.CommonKeys;
import io.neurostream.config.ConfigSources;
import java.nio.file.Path;
import picocli.CommandLine.Option;

/** The options the service commands share, as picocli mixins that add their flag to the configuration. */
final class ServiceOptions {
  private ServiceOptions() {}

  /** {@code --metrics-port}: where /metrics, /live and /ready are served. */
  public static final class MetricsPort {
    @Option(names = "--metrics-port", paramLabel = "PORT",
        description = "Port of /metrics, /live, /ready; 0 picks one (metrics.port).")
    Integer metricsPort;

    ConfigSources.Builder addTo(ConfigSources.Builder sources) {
      return sources.optFlag(CommonKeys.METRICS_PORT.name(), metricsPort, "--metrics-port");
    }
  }

  /** {@code --state-dir}: the Kafka Streams state directory. */
  public static final class StateDir {
    @Option(names = "--state-dir", paramLabel = "DIR",
        description = "Kafka Streams state directory (state.dir).")
    Path stateDir;

    ConfigSources.Builder addTo(ConfigSources.Builder sources) {
      return sources.optFlag(CommonKeys.STATE_DIR.name(), stateDir, "--state-dir");
    }
  }
}
