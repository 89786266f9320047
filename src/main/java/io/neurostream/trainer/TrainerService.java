package io.neurostream.trainer;

import com.sun.net.httpserver.HttpExchange;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.neurostream.avro.ModelRelease;
import io.neurostream.avro.ReleaseStatus;
import io.neurostream.release.ArtifactException;
import io.neurostream.release.ArtifactStores;
import io.neurostream.kafka.KafkaClients;
import io.neurostream.kafka.StatusPublisher;
import io.neurostream.kafka.Topics;
import io.neurostream.model.DjlDefaults;
import io.neurostream.model.ModelBundle;
import io.neurostream.ops.HealthCheck;
import io.neurostream.ops.OpsServer;
import io.neurostream.ops.Watchdog;
import io.neurostream.ops.WritableDirectory;
import io.neurostream.training.BackboneFeatureCache;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.kafka.clients.admin.Admin;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The running trainer: follows the labels topic into a {@link LabeledSet}, starts a round when the
 * {@link RoundSchedule} says so (or {@code POST /train-now} asks), fine-tunes the served release,
 * and publishes the candidate as PROMOTED or REJECTED with a {@link ReleasePublisher}. With no
 * release yet it publishes an initial one. Everything it needs at start comes from the topics
 * (labels, releases); its state directory only caches (bundles, backbone features, reports), so
 * it can be killed at any moment and restarted, on any machine.
 */
public final class TrainerService implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(TrainerService.class);
  /** How often the schedule is checked; train-now wakes the loop at once. */
  private static final Duration TICK = Duration.ofSeconds(1);
  /** How stale the release history may be for the schedule (a round re-reads it first). */
  private static final Duration HISTORY_REFRESH = Duration.ofSeconds(15);
  private static final String TEXT = "text/plain; charset=utf-8";

  private final TrainerConfig config;
  private final TrainerMetrics metrics;
  private final LabeledSet labels = new LabeledSet();
  private final RoundSchedule schedule;
  private final Object wake = new Object();
  private final AtomicBoolean trainNow = new AtomicBoolean();
  private final AtomicBoolean roundRunning = new AtomicBoolean();
  private volatile long roundStartedNanos;
  private final Watchdog watchdog;
  private final CountDownLatch stopped = new CountDownLatch(1);
  private volatile boolean running = true;
  private volatile boolean failed;
  private volatile int newLabels;
  /** Label records read when a round last could not run or failed: wait for more before retrying. */
  private long blockedAtRecords = -1;

  private OpsServer ops;
  private StatusPublisher status;
  private LabelFollower follower;
  private ReleaseTracker releases;
  private Admin admin;
  private BundleCache bundles;
  private TrainingRound round;
  private Thread loop;

  private TrainerService(TrainerConfig config, PrometheusMeterRegistry registry) {
    this.config = config;
    this.metrics = new TrainerMetrics(registry);
    this.schedule = new RoundSchedule(config.minNewLabels(), config.interval());
    this.watchdog = new Watchdog(config.common().livenessDeadline());
    // a round stops itself at its budget; one far past it is stuck (a hung fetch, a deadlock)
    watchdog.watch("training-round", () -> {
      long running = System.nanoTime() - roundStartedNanos;
      Duration budget = config.maxRound().multipliedBy(2);
      return roundRunning.get() && running > budget.toNanos()
          ? Optional.of("a round has run for " + Duration.ofNanos(running).toSeconds()
              + " s, twice its budget of " + config.maxRound().toSeconds() + " s")
          : Optional.empty();
    });
  }

  /** Starts the trainer: ops endpoint, release producer, label follower, then the round loop. */
  public static TrainerService start(TrainerConfig config, PrometheusMeterRegistry registry) {
    TrainerService service = new TrainerService(config, registry);
    try {
      service.startUp(registry);
    } catch (RuntimeException e) {
      service.close();
      throw e;
    }
    return service;
  }

  private void startUp(PrometheusMeterRegistry registry) {
    DjlDefaults.apply();
    WritableDirectory.require(config.stateDir(), "--state-dir (state.dir, NEUROSTREAM_STATE_DIR)");
    ops = OpsServer.start(config.opsPort(), registry, this::liveness, this::readiness)
        .route("/train-now", this::handleTrainNow);
    status = StatusPublisher.start("trainer", Optional.empty(), ops.port(),
        new KafkaClients(config.common().kafkaProperties(), config.common().serdeConfig()),
        StatusPublisher.DEFAULT_INTERVAL, this::statusSnapshot);
    Map<String, Object> client = config.common().kafkaProperties();
    Map<String, Object> serde = config.common().serdeConfig();
    // opening the producer aborts whatever a killed predecessor left open
    releases = new ReleaseTracker(client, serde, new ReleasePublisher(client,
        Topics.MODEL_RELEASES.valueSerde(serde).serializer(), config.transactionalId(),
        config.artifacts(), config.chunkBytes(), config.publishMaxBytesPerSecond()));
    admin = Admin.create(client);
    Path state = config.stateDir();
    bundles = new BundleCache(state.resolve("bundles"), new ArtifactStores(client, Duration.ofMinutes(5)));
    round = new TrainingRound(config,
        new BackboneFeatureCache(state.resolve("features"), System.err), System.err);
    follower = new LabelFollower(Topics.LABELS.name(), client,
        Topics.LABELS.valueSerde(serde).deserializer(), labels, watchdog).start();
    metrics.watch(labels::size, () -> newLabels, follower::skipped);
    loop = new Thread(this::run, "trainer-loop");
    loop.setDaemon(true);
    loop.start();
    LOG.info("trainer started: mode={}, rounds after {} new labels or {} min, budget {} s, "
            + "holdout {}, gate +{} balanced accuracy / max recall drop {}, artifacts {}, ops port {}",
        config.headOnly() ? "head" : "full", config.minNewLabels(), config.interval().toMinutes(),
        config.maxRound().toSeconds(), config.split().describe(), config.gate().minImprovement(),
        config.gate().maxRecallDrop(), config.artifacts(), ops.port());
  }

  /** Asks for a round now (as {@code POST /train-now} does). */
  public void requestRound() {
    trainNow.set(true);
    synchronized (wake) {
      wake.notifyAll();
    }
  }

  /** The port of the ops endpoint. */
  public int opsPort() {
    return ops.port();
  }

  /**
   * Blocks until the trainer stops.
   *
   * @return 0 after close, 1 after a fatal error (e.g. fenced by another trainer)
   */
  public int awaitStopped() throws InterruptedException {
    stopped.await();
    return failed ? 1 : 0;
  }

  private void run() {
    try {
      while (running && !follower.awaitCaughtUp(Duration.ofSeconds(1))) {
        if (!follower.alive()) {
          throw new IllegalStateException("the label follower stopped; see the log above");
        }
      }
      while (running) {
        try {
          tick();
        } catch (ReleasePublisher.FencedException e) {
          throw e;
        } catch (RuntimeException e) {
          // e.g. the brokers are unreachable for a while: try again on the next tick
          LOG.warn("trainer loop: {}; retrying", e.getMessage());
          sleepQuietly(Duration.ofSeconds(5));
        }
        synchronized (wake) {
          if (running && !trainNow.get()) {
            wake.wait(TICK.toMillis());
          }
        }
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (RuntimeException e) {
      failed = true;
      LOG.error("trainer stops: {}", e.getMessage(), e);
    } finally {
      stopped.countDown();
    }
  }

  private void tick() {
    boolean requested = trainNow.getAndSet(false);
    Instant now = Instant.now();
    if (requested || releases.stale(now, HISTORY_REFRESH)) {
      releases.refresh();
    }
    LabeledSet.Snapshot snapshot = labels.snapshot();
    ReleaseHistory h = releases.history();
    newLabels = snapshot.newSince(h.labelOffsetsSeen());
    Optional<ModelRelease> served = h.served();
    served.ifPresent(r -> metrics.served(r.getMetrics().getOrDefault("balanced_accuracy", Double.NaN)));
    if (!requested && labels.recordsRead() == blockedAtRecords) {
      return; // the last attempt could not run on these labels; wait for more
    }
    if (served.isEmpty() && config.bootstrapBundle().isPresent()) {
      bootstrapFromBundle(config.bootstrapBundle().get(), snapshot);
      return;
    }
    boolean first = served.isEmpty();
    Optional<String> due = first
        ? (requested || newLabels >= config.minNewLabels()
            ? Optional.of(newLabels + " labels and no release yet") : Optional.empty())
        : schedule.due(newLabels, h.lastDecision(), now, requested);
    if (due.isEmpty()) {
      return;
    }
    runRound(first, due.get(), snapshot);
  }

  private void runRound(boolean first, String trigger, LabeledSet.Snapshot snapshot) {
    roundStartedNanos = System.nanoTime();
    roundRunning.set(true);
    long started = System.nanoTime();
    long deadline = started + config.maxRound().toNanos();
    String outcome = "failed";
    try {
      releases.refresh(); // the freshest served release (an operator may just have rolled back)
      ReleaseHistory h = releases.history();
      String version = ReleaseTracker.nextVersion(h);
      LOG.info("round {} starts: {}; {} labeled scans ({} new)", version, trigger,
          snapshot.entries().size(), newLabels);
      TrainingRound.Result result;
      Optional<ModelRelease> served = first ? Optional.empty() : h.served();
      if (served.isEmpty()) {
        result = round.trainInitial(snapshot, version, trigger, newLabels, deadline);
      } else {
        ModelBundle current = bundles.get(served.get());
        LOG.info("round {} training: fine-tuning {} ({})", version, served.get().getVersion(),
            config.headOnly() ? "head only" : "whole network");
        result = round.fineTune(snapshot, served.get(), current, version, trigger, newLabels, deadline);
      }
      LOG.info("round {} publishing: {}", version, result.draft().status());
      ModelRelease published = releases.publish(result);
      outcome = published.getStatus() == ReleaseStatus.PROMOTED ? "promoted" : "rejected";
      releases.refresh();
      ArtifactRetention.apply(releases.history(), config.releasesKeep(), config.artifacts(), admin);
      if (published.getStatus() == ReleaseStatus.PROMOTED) {
        bundles.keep(published, result.bundle().path()); // the next round starts from it
      }
      RoundReports.cleanUp(config.stateDir(), result.bundle().path());
      LOG.info("round {} done: {} in {} s", version, published.getStatus(),
          (System.nanoTime() - started) / 1_000_000_000L);
      blockedAtRecords = -1;
    } catch (TrainingRound.NotReady e) {
      outcome = "skipped";
      blockedAtRecords = labels.recordsRead();
      LOG.info("round skipped: {}", e.getMessage());
    } catch (ArtifactException e) {
      blockedAtRecords = labels.recordsRead();
      LOG.error("round failed: the served release's artifact cannot be read ({}): {}; retrying "
          + "when labels arrive or on train-now", e.reason(), e.getMessage());
    } catch (ReleasePublisher.FencedException e) {
      throw e; // another trainer publishes now
    } catch (RuntimeException e) {
      blockedAtRecords = labels.recordsRead();
      LOG.error("round failed: {}; retrying when labels arrive or on train-now", e.toString(), e);
    } finally {
      metrics.round(outcome, Duration.ofNanos(System.nanoTime() - started));
      roundRunning.set(false);
    }
  }

  private void bootstrapFromBundle(Path file, LabeledSet.Snapshot snapshot) {
    long started = System.nanoTime();
    try {
      ModelBundle bundle = ModelBundle.open(file);
      if (releases.history().find(bundle.metadata().version()).isPresent()) {
        LOG.warn("trainer.bootstrap.bundle {} has version {}, which was released before and is no "
            + "longer served; not republishing it (roll back with neurostream models rollback)",
            file, bundle.metadata().version());
        blockedAtRecords = labels.recordsRead();
        return;
      }
      TrainingRound.Result result = round.adopt(bundle, snapshot, file);
      releases.publish(result);
      releases.refresh();
      metrics.round("promoted", Duration.ofNanos(System.nanoTime() - started));
    } catch (ReleasePublisher.FencedException e) {
      throw e;
    } catch (RuntimeException e) {
      blockedAtRecords = labels.recordsRead();
      metrics.round("failed", null);
      LOG.error("publishing trainer.bootstrap.bundle {} failed: {}", file, e.getMessage(), e);
    }
  }

  private static void sleepQuietly(Duration d) {
    try {
      Thread.sleep(d.toMillis());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private void handleTrainNow(HttpExchange ex) throws IOException {
    try (ex) {
      if (!"POST".equalsIgnoreCase(ex.getRequestMethod())) {
        OpsServer.respond(ex, 405, TEXT, "use POST /train-now\n");
        return;
      }
      if (!follower.caughtUp()) {
        OpsServer.respond(ex, 503, TEXT, "the trainer is still reading the labels topic; try again shortly\n");
        return;
      }
      boolean busy = roundRunning.get();
      requestRound();
      OpsServer.respond(ex, 202, TEXT, "round requested" + (busy ? " (after the one running now)" : "") + "; "
          + labels.size() + " labeled scans, " + newLabels + " new\n");
    }
  }

  private HealthCheck.Status liveness() {
    if (failed || (loop != null && !loop.isAlive() && running)) {
      return HealthCheck.Status.down("trainer loop stopped; see the log");
    }
    if (follower != null && !follower.alive()) {
      return HealthCheck.Status.down("label follower stopped; see the log");
    }
    HealthCheck.Status parts = watchdog.check();
    return parts.ok() && roundRunning.get()
        ? HealthCheck.Status.up(parts.detail() + ", round running") : parts;
  }

  private StatusPublisher.Snapshot statusSnapshot() {
    HealthCheck.Status ready = readiness();
    ReleaseHistory h = releases == null ? null : releases.history();
    return new StatusPublisher.Snapshot(
        h == null ? Optional.empty() : h.served().map(ModelRelease::getVersion), ready.ok(),
        ready.detail(), Map.of("labels", (double) labels.size(), "labels_new", (double) newLabels));
  }

  /** The paths the ops endpoint serves (documented in the console's /openapi.json). */
  public List<String> opsRoutes() {
    return ops.routes();
  }

  private HealthCheck.Status readiness() {
    ReleaseHistory history = releases == null ? null : releases.history();
    if (follower == null || !follower.caughtUp() || history == null) {
      return HealthCheck.Status.down("reading the labels and releases topics");
    }
    return HealthCheck.Status.up(labels.size() + " labeled scans, " + newLabels + " new, serving "
        + history.served().map(ModelRelease::getVersion).orElse("nothing yet"));
  }

  /**
   * Stops: no new round starts; a round in progress is abandoned (its transaction, if open, is
   * aborted by the next trainer to start, and nothing of it becomes visible).
   */
  @Override
  public void close() {
    running = false;
    if (status != null) {
      status.close();
    }
    synchronized (wake) {
      wake.notifyAll();
    }
    if (loop != null && !roundRunning.get()) {
      try {
        loop.join(TimeUnit.SECONDS.toMillis(5));
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
    if (follower != null) {
      follower.close();
    }
    if (releases != null) {
      releases.close();
    }
    if (admin != null) {
      admin.close(Duration.ofSeconds(5));
    }
    if (ops != null) {
      ops.close();
    }
    stopped.countDown();
  }
}
