package io.neurostream.verdict;

import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.neurostream.kafka.KafkaClients;
import io.neurostream.kafka.StatusPublisher;
import io.neurostream.ops.HealthCheck;
import io.neurostream.ops.OpsServer;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.errors.StreamsUncaughtExceptionHandler.StreamThreadExceptionResponse;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The running verdict stage: Kafka Streams over {@link VerdictTopology} under its own application
 * id. It runs alone ({@code neurostream verdict}, with its own ops endpoint) or hosted in the
 * classifier's process, which then reports for both; either way a fatal error stops it and
 * {@link #awaitStopped()} returns 1, so the process exits and is restarted.
 */
public final class VerdictService implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(VerdictService.class);
  /** How long {@link #close()} lets Kafka Streams commit before giving up. */
  public static final Duration CLOSE_TIMEOUT = Duration.ofSeconds(20);

  private final KafkaStreams streams;
  private Explainer explainer;
  private ResultsSender results;
  private final CountDownLatch stopped = new CountDownLatch(1);
  private final AtomicBoolean closed = new AtomicBoolean();
  private volatile boolean failed;
  private OpsServer ops;
  private StatusPublisher status;

  private VerdictService(KafkaStreams streams) {
    this.streams = streams;
  }

  /** Starts the stage alone, with an ops endpoint on {@code metrics.port}. */
  public static VerdictService start(VerdictConfig config, PrometheusMeterRegistry registry) {
    VerdictService service = startHosted(config, registry);
    service.ops = OpsServer.start(config.common().metricsPort(), registry, service::liveness,
        service::readiness);
    service.status = StatusPublisher.start("verdict", Optional.of(config.applicationId()),
        service.ops.port(), KafkaClients.of(config.common()), StatusPublisher.DEFAULT_INTERVAL,
        () -> {
          HealthCheck.Status ready = service.readiness();
          return new StatusPublisher.Snapshot(Optional.empty(), ready.ok(), ready.detail(),
              java.util.Map.of());
        });
    return service;
  }

  /** Starts the stage inside another service's process; that service's endpoint reports. */
  public static VerdictService startHosted(VerdictConfig config, PrometheusMeterRegistry registry) {
    KafkaStreams ks = new KafkaStreams(VerdictTopology.build(config.settings(),
        config.common().serdeConfig(), new VerdictMetrics(registry), true),
        config.streamsProperties());
    VerdictService service = new VerdictService(ks);
    ks.setStateListener((now, before) -> {
      LOG.info("verdict stage: kafka streams state {} -> {}", before, now);
      if (now == KafkaStreams.State.ERROR) {
        service.failed = true;
      }
      if (now == KafkaStreams.State.NOT_RUNNING || now == KafkaStreams.State.ERROR) {
        service.stopped.countDown();
      }
    });
    ks.setUncaughtExceptionHandler(e -> {
      LOG.error("verdict stage: stream thread failed with {}; replacing it (its transaction is "
          + "aborted and its records are processed again)", e.toString(), e);
      return e instanceof Error ? StreamThreadExceptionResponse.SHUTDOWN_CLIENT
          : StreamThreadExceptionResponse.REPLACE_THREAD;
    });
    LOG.info("verdict stage {} starting: gap {} ms, retention {} ms, aggregation {}",
        config.applicationId(), config.settings().gap().toMillis(),
        config.settings().retention().toMillis(), config.settings().aggregation());
    ks.start();
    service.explainer = Explainer.start(config, config.explain(), registry).orElse(null);
    service.results = ResultsSender.start(config, registry).orElse(null);
    return service;
  }

  /** Down when Kafka Streams is in error. */
  public HealthCheck.Status liveness() {
    KafkaStreams.State s = streams.state();
    return s == KafkaStreams.State.ERROR || s == KafkaStreams.State.PENDING_ERROR
        ? HealthCheck.Status.down("verdict streams " + s) : HealthCheck.Status.up("alive");
  }

  /** Up when Kafka Streams is running. */
  public HealthCheck.Status readiness() {
    KafkaStreams.State s = streams.state();
    return s == KafkaStreams.State.RUNNING ? HealthCheck.Status.up("verdict streams=RUNNING")
        : HealthCheck.Status.down("verdict streams=" + s);
  }

  /** Kafka Streams' state. */
  public Optional<KafkaStreams.State> state() {
    return Optional.of(streams.state());
  }

  /** The ops endpoint's port when running alone. */
  public int metricsPort() {
    return ops == null ? -1 : ops.port();
  }

  /**
   * Blocks until the stage stops.
   *
   * @return 0 after a clean stop, 1 after a fatal error
   */
  public int awaitStopped() throws InterruptedException {
    stopped.await();
    return failed ? 1 : 0;
  }

  /** Whether the stage has stopped (closed or failed). */
  public boolean isStopped() {
    return stopped.getCount() == 0;
  }

  @Override
  public void close() {
    if (!closed.compareAndSet(false, true)) {
      return;
    }
    if (status != null) {
      status.close();
    }
    if (explainer != null) {
      explainer.close();
    }
    if (results != null) {
      results.close();
    }
    boolean clean = streams.close(CLOSE_TIMEOUT);
    LOG.info("verdict stage: kafka streams closed {}", clean ? "cleanly" : "after the timeout");
    stopped.countDown();
    if (ops != null) {
      ops.close();
    }
  }
}
