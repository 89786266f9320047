package io.neurostream.classifier;

import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.neurostream.avro.ModelRelease;
import io.neurostream.release.ArtifactStores;
import io.neurostream.kafka.KafkaClients;
import io.neurostream.kafka.StatusPublisher;
import io.neurostream.kafka.Topics;
import io.neurostream.model.ComputeDevice;
import io.neurostream.model.DjlDefaults;
import io.neurostream.ops.HealthCheck;
import io.neurostream.ops.OpsServer;
import io.neurostream.ops.Watchdog;
import io.neurostream.ops.WritableDirectory;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.kafka.common.Metric;
import org.apache.kafka.common.MetricName;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.streams.CloseOptions;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.errors.StreamsUncaughtExceptionHandler.StreamThreadExceptionResponse;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A running classifier: Kafka Streams over {@link ClassifierTopology}, the {@link ReleaseFollower}
 * that keeps the model current, and the ops endpoint. Start-up order matters: the releases topic
 * is read to its end and the model it names is loaded before the first scan is consumed, so a
 * restarted instance never goes back to an older version than it served before.
 */
public final class ClassifierService implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(ClassifierService.class);
  /** How long {@link #close()} lets Kafka Streams finish the in-flight batch and commit. */
  public static final Duration CLOSE_TIMEOUT = Duration.ofSeconds(25);
  private static final int MAX_THREAD_REPLACEMENTS_PER_MINUTE = 5;

  private final ClassifierConfig config;
  private final ClassifierMetrics metrics;
  private final ModelHolder models = new ModelHolder();
  private final CountDownLatch stopped = new CountDownLatch(1);
  private final AtomicBoolean closed = new AtomicBoolean();
  private final Deque<Long> replacements = new ArrayDeque<>();
  private volatile KafkaStreams streams;
  private volatile boolean failed;
  private volatile ReleaseFollower follower;
  private OpsServer ops;
  private StatusPublisher status;
  private final Watchdog watchdog;

  private ClassifierService(ClassifierConfig config, ClassifierMetrics metrics) {
    this.config = config;
    this.metrics = metrics;
    this.watchdog = new Watchdog(config.common().livenessDeadline());
    watchdog.watch("model", () -> {
      ReleaseFollower f = follower;
      return f == null ? Optional.empty()
          : f.refusalWithoutModel().map(r -> "no model served: " + r);
    });
    watchdog.watch("kafka-streams", () -> StreamsProgress.problem(streams,
        Duration.ofMillis(config.topology().maxPollIntervalMs())));
  }

  /**
   * Starts the classifier: ops endpoint, model (release or bundle), then Kafka Streams.
   *
   * @throws IllegalStateException naming the fix if no model can be found to serve
   */
  public static ClassifierService start(ClassifierConfig config, PrometheusMeterRegistry registry)
      throws InterruptedException {
    ClassifierService service = new ClassifierService(config, new ClassifierMetrics(registry));
    try {
      service.startUp(registry);
    } catch (RuntimeException | InterruptedException e) {
      service.close();
      throw e;
    }
    return service;
  }

  private void startUp(PrometheusMeterRegistry registry) throws InterruptedException {
    DjlDefaults.apply();
    // fail at once, not on the first artifact fetch or store write that needs it
    WritableDirectory.require(config.common().stateDir(),
        "--state-dir (state.dir, NEUROSTREAM_STATE_DIR)");
    ops = OpsServer.start(config.common().metricsPort(), registry, this::liveness, this::readiness);
    // announced on the status topic from the start, so the console sees an instance loading too
    status = StatusPublisher.start("classifier", Optional.of(config.applicationId()), ops.port(),
        new KafkaClients(config.common().kafkaProperties(), config.common().serdeConfig()),
        StatusPublisher.DEFAULT_INTERVAL, this::statusSnapshot);
    TopologySettings settings = config.topology();
    BundleModelLoader loader = new BundleModelLoader(
        ComputeDevice.resolve(config.device()), settings.batchMaxSize());
    Optional<String> pin = config.modelVersion();

    Optional<BundleScanModel> pinnedBundle = Optional.empty();
    if (pin.isPresent() && config.modelBundle().isPresent()) {
      BundleScanModel bundle = loader.load(config.modelBundle().get());
      if (bundle.version().equals(pin.get())) {
        pinnedBundle = Optional.of(bundle);
      } else {
        bundle.close();
      }
    }
    if (pinnedBundle.isPresent()) {
      LOG.info("model.version={} pinned and served from {}; not following releases", pin.get(),
          config.modelBundle().get());
      models.offerInitial(pinnedBundle.get());
      metrics.modelServed(pin.get());
    } else {
      // the bundle loads while the releases topic is read; it is dropped if a release wins
      CompletableFuture<BundleScanModel> bundle = config.modelBundle().isPresent() && pin.isEmpty()
          ? CompletableFuture.supplyAsync(() -> loader.load(config.modelBundle().get()))
          : CompletableFuture.completedFuture(null);
      Map<String, Object> client = config.common().kafkaProperties();
      Deserializer<ModelRelease> releases =
          Topics.MODEL_RELEASES.valueSerde(config.common().serdeConfig()).deserializer();
      Path work = config.common().stateDir().resolve(config.applicationId()).resolve("artifacts");
      follower = new ReleaseFollower(Topics.MODEL_RELEASES.name(), client, releases,
          new ArtifactStores(client, Duration.ofMinutes(5)), loader, models, metrics, pin, work,
          watchdog).start();
      if (!follower.awaitCaughtUp(Duration.ofMinutes(2))) {
        LOG.warn("releases topic not read to its end within 2 minutes; starting with what is known");
      }
      BundleScanModel initial;
      try {
        initial = bundle.join();
      } catch (CompletionException e) {
        throw e.getCause() instanceof RuntimeException r ? r : e;
      }
      if (initial != null) {
        String version = initial.version();
        if (models.offerInitial(initial)) {
          metrics.modelServed(version);
          LOG.info("no PROMOTED release yet; serving --model bundle {}", version);
        }
      }
      if (!models.hasModel()) {
        LOG.warn("no model to serve yet: {}; waiting for a PROMOTED release on {}",
            pin.map(v -> "model.version=" + v + " has no release").orElse("no --model BUNDLE given"),
            Topics.MODEL_RELEASES.name());
        while (!models.hasModel() && !closed.get()) {
          Thread.sleep(200);
        }
      }
    }

    Topology topology = ClassifierTopology.build(
        settings, config.common().serdeConfig(), models, metrics);
    KafkaStreams ks = new KafkaStreams(topology, config.streamsProperties());
    ks.setStateListener((now, before) -> {
      LOG.info("kafka streams state {} -> {}", before, now);
      if (now == KafkaStreams.State.ERROR) {
        failed = true;
      }
      if (now == KafkaStreams.State.NOT_RUNNING || now == KafkaStreams.State.ERROR) {
        stopped.countDown();
      }
    });
    ks.setUncaughtExceptionHandler(this::onStreamThreadException);
    metrics.consumerLag(() -> maxLag(ks));
    streams = ks;
    LOG.info("classifier {} starting: {} stream thread(s), batch.max.size={}, batch.max.delay.ms={}, "
            + "processing.guarantee={}, model {}", config.applicationId(), config.numStreamThreads(),
        settings.batchMaxSize(), settings.batchMaxDelayMs(), config.processingGuarantee(),
        models.version().orElse("?"));
    ks.start();
  }

  private StreamThreadExceptionResponse onStreamThreadException(Throwable e) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t instanceof Error) {
        LOG.error("stream thread died of {}; shutting the client down", t.toString(), e);
        return StreamThreadExceptionResponse.SHUTDOWN_CLIENT;
      }
    }
    long now = System.currentTimeMillis();
    synchronized (replacements) {
      replacements.addLast(now);
      while (!replacements.isEmpty() && replacements.peekFirst() < now - 60_000) {
        replacements.removeFirst();
      }
      if (replacements.size() > MAX_THREAD_REPLACEMENTS_PER_MINUTE) {
        LOG.error("stream threads failed {} times within a minute, last with {}; shutting down so "
            + "the orchestrator restarts the instance", replacements.size(), e.toString(), e);
        return StreamThreadExceptionResponse.SHUTDOWN_CLIENT;
      }
    }
    LOG.warn("stream thread failed with {}; replacing it (its open transaction is aborted and the "
        + "records are processed again)", e.toString(), e);
    return StreamThreadExceptionResponse.REPLACE_THREAD;
  }

  private static double maxLag(KafkaStreams ks) {
    double max = 0;
    for (Map.Entry<MetricName, ? extends Metric> m : ks.metrics().entrySet()) {
      MetricName name = m.getKey();
      if (!name.name().equals("records-lag-max")
          || !name.group().equals("consumer-fetch-manager-metrics")
          || name.tags().getOrDefault("client-id", "").contains("restore-consumer")) {
        continue;
      }
      Object v = m.getValue().metricValue();
      if (v instanceof Number n && !Double.isNaN(n.doubleValue())) {
        max = Math.max(max, n.doubleValue());
      }
    }
    return max;
  }

  private HealthCheck.Status liveness() {
    KafkaStreams ks = streams;
    if (ks != null && (ks.state() == KafkaStreams.State.ERROR
        || ks.state() == KafkaStreams.State.PENDING_ERROR)) {
      return HealthCheck.Status.down("kafka streams " + ks.state());
    }
    return watchdog.check();
  }

  private HealthCheck.Status readiness() {
    KafkaStreams ks = streams;
    String model = models.version().orElse(null);
    if (ks == null || ks.state() != KafkaStreams.State.RUNNING || model == null) {
      return HealthCheck.Status.down("streams=" + (ks == null ? "NOT_STARTED" : ks.state())
          + " model=" + (model == null ? "none" : model));
    }
    return HealthCheck.Status.up("streams=RUNNING model=" + model);
  }

  private StatusPublisher.Snapshot statusSnapshot() {
    HealthCheck.Status ready = readiness();
    return new StatusPublisher.Snapshot(models.version(), ready.ok(), ready.detail(),
        metrics.totals());
  }

  /** The paths the ops endpoint serves (documented in the console's /openapi.json). */
  public java.util.List<String> opsRoutes() {
    return ops.routes();
  }

  /** The model version served now. */
  public Optional<String> modelVersion() {
    return models.version();
  }

  /** The port of the ops endpoint. */
  public int metricsPort() {
    return ops.port();
  }

  /** Kafka Streams' state, or empty before it is created. */
  public Optional<KafkaStreams.State> state() {
    KafkaStreams ks = streams;
    return ks == null ? Optional.empty() : Optional.of(ks.state());
  }

  /**
   * Stops processing without leaving the group (scans wait in Kafka); {@link #resume()} goes on.
   * Benchmarks use it to build a backlog in front of a warm classifier.
   */
  public void pause() {
    KafkaStreams ks = streams;
    if (ks != null) {
      ks.pause();
    }
  }

  /** Resumes processing after {@link #pause()}. */
  public void resume() {
    KafkaStreams ks = streams;
    if (ks != null) {
      ks.resume();
    }
  }

  /**
   * Blocks until Kafka Streams stops (close, or a fatal error).
   *
   * @return 0 after a clean stop, 1 after a fatal error
   */
  public int awaitStopped() throws InterruptedException {
    stopped.await();
    return failed ? 1 : 0;
  }

  /**
   * Stops within {@link #CLOSE_TIMEOUT}: the stream threads finish the batch in hand, commit
   * (scans still buffered stay in the changelogged store for the next owner), and exit.
   */
  @Override
  public void close() {
    if (!closed.compareAndSet(false, true)) {
      return;
    }
    LOG.info("classifier stopping");
    KafkaStreams ks = streams;
    if (ks != null) {
      // leaving the group hands this instance's partitions to the others at once, instead of
      // after the session timeout (Kafka Streams does not leave by default)
      CloseOptions options = CloseOptions.timeout(CLOSE_TIMEOUT).withGroupMembershipOperation(
          config.leaveGroupOnClose() ? CloseOptions.GroupMembershipOperation.LEAVE_GROUP
              : CloseOptions.GroupMembershipOperation.REMAIN_IN_GROUP);
      boolean clean = ks.close(options);
      LOG.info("kafka streams closed {}", clean ? "cleanly" : "after the timeout");
    }
    stopped.countDown();
    // after the hand-over, which is what the other instances wait for
    if (status != null) {
      status.close(); // the tombstone: the console drops this instance at once
    }
    if (follower != null) {
      follower.close();
    }
    models.close();
    if (ops != null) {
      ops.close();
    }
  }
}
