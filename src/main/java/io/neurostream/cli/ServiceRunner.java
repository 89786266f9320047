package io.neurostream.cli;

import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.neurostream.config.CommonConfig;
import io.neurostream.config.CommonKeys;
import io.neurostream.config.ConfigKeySet;
import io.neurostream.config.ConfigSources;
import io.neurostream.config.Configuration;
import io.neurostream.model.DjlDefaults;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs a long-lived service command ({@code classifier}, {@code trainer}) the same way: DJL
 * defaults, configuration from the common keys and the service's own (one log line of what was set,
 * every value at DEBUG; secrets masked), a bounded wait for Kafka ({@code bootstrap.wait.ms}), a
 * Prometheus registry with the JVM's meters, a shutdown hook that stops the service on SIGTERM,
 * and the service's exit code once it stops.
 *
 * @param name the service's name, for the shutdown thread and the fatal-error line
 * @param keys the service's own configuration keys (the common keys are always loaded)
 */
record ServiceRunner(String name, ConfigKeySet keys) {

  private static final Logger LOG = LoggerFactory.getLogger(ServiceRunner.class);

  /** Starts a service from its typed configuration, reporting into {@code metrics}. */
  @FunctionalInterface
  interface Start<C, S> {
    S start(C config, PrometheusMeterRegistry metrics) throws Exception;
  }

  /** Blocks until a service stops; 0 if it was asked to stop, else its failure exit code. */
  @FunctionalInterface
  interface AwaitStop<S> {
    int awaitStopped(S service) throws InterruptedException;
  }

  /**
   * Loads the configuration from {@code sources}, starts the service and blocks until it stops.
   *
   * @param read turns the loaded configuration into the service's record (e.g.
   *     {@code ClassifierConfig::from})
   * @return the service's exit code
   */
  <C, S extends AutoCloseable> int run(ConfigSources sources, Function<Configuration, C> read,
      Start<C, S> start, AwaitStop<S> awaitStop) throws Exception {
    DjlDefaults.apply();
    Configuration configuration = Configuration.load(sources, new CommonKeys(), keys);
    LOG.info("config: {} (NEUROSTREAM_LOG_LEVEL=DEBUG lists every value)", configuration.headline());
    configuration.summary().forEach(line -> LOG.debug("config {}", line));
    C config = read.apply(configuration);
    // a wrong --bootstrap fails within bootstrap.wait.ms with one line, not retries for ever
    ClusterOptions.awaitKafka(CommonConfig.from(configuration));

    PrometheusMeterRegistry metrics = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    new JvmMemoryMetrics().bindTo(metrics);
    new JvmGcMetrics().bindTo(metrics);
    new ProcessorMetrics().bindTo(metrics);

    S service = start.start(config, metrics);
    Runtime.getRuntime().addShutdownHook(new Thread(() -> close(service), name + "-shutdown"));
    int code = awaitStop.awaitStopped(service);
    if (code != 0) {
      LOG.error("{} stopped after a fatal error; see the log above", name);
    }
    service.close();
    return code;
  }

  private static void close(AutoCloseable service) {
    try {
      service.close();
    } catch (Exception e) {
      LOG.warn("stopping the service failed: {}", e.toString(), e);
    }
  }
}
