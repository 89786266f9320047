package io.neurostream.demo;

import io.neurostream.platform.EmbeddedPlatform;
import io.neurostream.avro.DementiaStage;
import io.neurostream.avro.ReleaseStatus;
import io.neurostream.classifier.ClassifierService;
import io.neurostream.phantom.PhantomGenerator;
import io.neurostream.model.DjlDefaults;
import io.neurostream.trainer.TrainerConfig;
import io.neurostream.trainer.TrainerService;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.stream.Stream;
import org.apache.kafka.streams.KafkaStreams;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One demo run, everything in this JVM: embedded broker and registry, phantoms, an initial model
 * published through the trainer, the classifier following releases, a PACS streaming scans and a
 * radiologist labelling a share of them, a fine-tune round and its hot-swap, then the summary and
 * the report. The demo drives the trainer's rounds itself ({@link TrainerService#requestRound()}
 * after every {@link DemoOptions#retrainAfter()} labels), so a run has a known number of rounds.
 */
public final class DemoRun {

  private static final Logger LOG = LoggerFactory.getLogger(DemoRun.class);
  static final String APPLICATION_ID = "neurostream-demo-classifier";
  static final String VERDICT_APPLICATION_ID = "neurostream-demo-verdict";
  /** Quiet time after which the demo's verdict stage closes a series that misses slices. */
  static final Duration VERDICT_GAP = Duration.ofSeconds(5);
  private static final Duration START_TIMEOUT = Duration.ofMinutes(3);
  private static final Duration SWAP_TIMEOUT = Duration.ofSeconds(90);
  private static final long TICK_MS = 250;

  private final DemoOptions o;
  private final Path work;
  private final PrintStream console;
  private final DemoLog log;
  private final long started = System.nanoTime();
  private final Map<String, Duration> phases = new LinkedHashMap<>();
  private final ScanLedger ledger = new ScanLedger();
  private final List<DemoReport.Note> notes = new CopyOnWriteArrayList<>();
  private final List<DemoReport.Hold> holds = new CopyOnWriteArrayList<>();
  private final ConcurrentLinkedQueue<ReleaseEvent> releaseQueue = new ConcurrentLinkedQueue<>();
  private final List<ReleaseEvent> decisions = new CopyOnWriteArrayList<>();
  private final Set<String> promotedVersions = ConcurrentHashMap.newKeySet();
  private final Set<String> versionsAnnounced = new HashSet<>();
  private final Map<String, String> roles = new ConcurrentHashMap<>();
  private volatile String abort;
  private volatile String phase = "starting";
  private volatile int roundsRequested;
  private volatile int totalScans;
  private long phaseStart = System.nanoTime();
  private long lastProgressAt;
  private ProgressLine progressLine;

  private DemoCohort cohort;
  private InitialModel initial;
  private final DemoSettings settings;
  private final DemoServices services;
  private boolean keepRunning;
  /** Released when a kept-running demo has stopped everything (the shutdown hook waits for it). */
  private final java.util.concurrent.CountDownLatch stoppedAll = new java.util.concurrent.CountDownLatch(1);

  private DemoRun(DemoOptions o, Path work, DemoLog log) {
    this.o = o;
    this.work = work;
    this.log = log;
    this.settings = new DemoSettings(o);
    this.services = new DemoServices(settings, this::say);
    this.console = log.console();
  }

  /**
   * Runs the demo. Its own lines go to the console (standard error as it was when called); the
   * services' logs go to {@code demo.log} in the work dir.
   *
   * @throws IllegalStateException naming the problem and where to look when the run cannot go on
   */
  public static DemoResult run(DemoOptions options) throws InterruptedException {
    return run(options, false);
  }

  /**
   * Runs the demo; with {@code keepRunning}, everything (broker, registry, classifier, trainer,
   * console) stays up after the report is written until the process is interrupted (Ctrl-C), so
   * the console can be explored.
   */
  public static DemoResult run(DemoOptions options, boolean keepRunning)
      throws InterruptedException {
    DjlDefaults.apply();
    Path work = prepareWorkDir(options.workDir());
    try (DemoLog log = DemoLog.capture(work.resolve("demo.log"), options.verbose())) {
      DemoRun run = new DemoRun(options, work, log);
      run.keepRunning = keepRunning;
      return run.go();
    }
  }


  private DemoResult go() throws InterruptedException {
    settings.check(work);
    say("NeuroStream demo: " + o.describe());
    say("work dir " + work + " (service logs in demo.log); synthetic phantoms, a research tool, not a medical device");
    ScheduledExecutorService director = Executors.newSingleThreadScheduledExecutor(r -> {
      Thread t = new Thread(r, "demo-director");
      t.setDaemon(true);
      return t;
    });
    DemoSummary summary;
    SeriesSummary series;
    String initialVersion;
    long streamStart;
    List<ReleaseEvent> releases;
    Path report = null;
    // the broker starts while the phantoms are drawn and the initial model trains
    CompletableFuture<EmbeddedPlatform> starting =
        CompletableFuture.supplyAsync(() -> EmbeddedPlatform.start(work.resolve("kafka")));
    try (EmbeddedPlatform platform = platformWhenReady(starting, this::prepareModel)) {
      say("embedded Kafka at " + platform.bootstrapServers() + ", schema registry at " + platform.registryUrl()
          + ", topics created");
      endPhase("platform start (not overlapped)");
      InitialModel initial = this.initial;
      initialVersion = initial.version();
      try (OutcomeWatcher watcher = new OutcomeWatcher(platform.client(), platform.serdeConfig(), ledger,
          releaseQueue::add).start();
           VerdictWatcher verdicts = new VerdictWatcher(platform.client(), platform.serdeConfig()).start()) {
        startServices(platform, initial);
        endPhase("services");

        streamStart = System.currentTimeMillis();
        lastProgressAt = System.nanoTime();
        progressLine = new ProgressLine(lastProgressAt);
        director.scheduleWithFixedDelay(() -> tick(watcher), TICK_MS, TICK_MS, TimeUnit.MILLISECONDS);
        try (Radiologist radiologist = new Radiologist(platform.client(), platform.serdeConfig(), ledger,
                o.labelDelay(), o.seed());
             Pacs pacs = new Pacs(platform.client(), platform.serdeConfig(), ledger, radiologist, o.encoding(),
                 o.labelFraction(), o.seed())) {
          stream(pacs, cohort.stream());
          endPhase("stream");
          drain(watcher);
          awaitVerdicts(verdicts);
          endPhase("drain");
        }
        director.shutdownNow();
        director.awaitTermination(5, TimeUnit.SECONDS);
        drainReleases();
        releases = watcher.releases();
        summary = DemoSummary.of(ledger.snapshot(), initialVersion, releases);
        series = SeriesSummary.of(verdicts.latest(), truthBySeries());
        if (keepRunning) {
          report = DemoReport.write(work.resolve("report"), summary, ledger.snapshot(),
              new DemoReport.Context(o.describe(), streamStart, releases, phases, elapsed(), notes,
                  holds), series, Map.of());
          holdUntilInterrupted(report, platform);
        }
        services.close();
      }
    } finally {
      director.shutdownNow();
      services.close();
    }
    endPhase("shutdown");

    if (report == null) {
      report = DemoReport.write(work.resolve("report"), summary, ledger.snapshot(),
          new DemoReport.Context(o.describe(), streamStart, releases, phases, elapsed(), notes, holds),
          series, Map.of());
    }
    endPhase("report");
    if (!o.keepKafkaData()) {
      deleteQuietly(work.resolve("kafka"));
      deleteQuietly(work.resolve("state"));
    }
    stoppedAll.countDown();
    return new DemoResult(work, report, log.path(), summary, initialVersion, elapsed(), phases,
        series);
  }

  /** Phantoms and the initial model, while the platform starts. */
  private void prepareModel() {
    PhantomGenerator generator = PhantomGenerator.builder().setSeed(o.seed()).optSize(o.imageSize())
        .optProportions(o.proportions()).build();
    cohort = DemoCohort.generate(work, generator, o.subjects(), o.slicesPerSubject(), o.initialSubjects(),
        o.seed(), done -> { });
    totalScans = cohort.stream().size();
    say(String.format(Locale.ROOT, "%,d phantoms in phantoms/: %d subjects %s for the initial model, %d %s to "
            + "stream (%,d scans)", o.subjects() * o.slicesPerSubject(), cohort.initialSubjectCount(),
        stages(cohort.initialSubjects()), cohort.streamSubjectCount(), stages(cohort.streamSubjects()),
        totalScans));
    endPhase("phantoms");
    if (o.model() != null) {
      initial = InitialModel.given(o.model());
    } else {
      say(String.format(Locale.ROOT, "training the initial model: ResNet-%d at %d px, %d epochs on the %d "
          + "initial subjects", o.depth(), o.imageSize(), o.initialEpochs(), cohort.initialSubjectCount()));
      initial = InitialModel.train(cohort, work.resolve("models"), o, System.err);
    }
    roles.put(initial.version(), "initial");
    say("initial model " + initial.version() + ": " + initial.description());
    endPhase("initial model");
  }

  /**
   * Runs {@code meanwhile} on this thread, then waits for the platform; closes the platform if
   * {@code meanwhile} fails.
   */
  private static EmbeddedPlatform platformWhenReady(CompletableFuture<EmbeddedPlatform> starting,
      Runnable meanwhile) throws InterruptedException {
    try {
      meanwhile.run();
    } catch (RuntimeException e) {
      starting.thenAccept(EmbeddedPlatform::close);
      throw e;
    }
    try {
      return starting.get();
    } catch (ExecutionException e) {
      Throwable cause = e.getCause();
      if (cause instanceof RuntimeException re) {
        throw re;
      }
      throw new IllegalStateException("the embedded platform did not start: " + cause, cause);
    }
  }

  /** The subject's true stage by series, for scoring the verdicts. */
  private Map<String, DementiaStage> truthBySeries() {
    Map<String, DementiaStage> truth = new HashMap<>();
    for (StreamScan scan : cohort.stream()) {
      truth.put(scan.seriesInstanceUid(), scan.truth());
    }
    return truth;
  }

  /**
   * After the scans: waits until every series with a prediction has a verdict, or until the gap
   * and a margin have passed without a new one.
   */
  private void awaitVerdicts(VerdictWatcher verdicts) throws InterruptedException {
    phase = "waiting for series verdicts";
    Set<String> predicted = new HashSet<>();
    Map<String, String> seriesOf = new HashMap<>();
    for (StreamScan scan : cohort.stream()) {
      seriesOf.put(scan.sopInstanceUid(), scan.seriesInstanceUid());
    }
    for (ScanLedger.Scored s : ledger.snapshot().predictions()) {
      String series = seriesOf.get(s.prediction().scanId());
      if (series != null) {
        predicted.add(series);
      }
    }
    long quietLimit = VERDICT_GAP.toNanos() + Duration.ofSeconds(30).toNanos();
    long lastChange = System.nanoTime();
    int lastCount = -1;
    while (true) {
      verdicts.check();
      long have = verdicts.latest().stream()
          .filter(v -> predicted.contains(v.getSeriesInstanceUid())).count();
      if (have >= predicted.size()) {
        say(String.format(Locale.ROOT, "%d series verdicts (%d verdict records with revisions)",
            have, verdicts.records()));
        return;
      }
      if (have != lastCount) {
        lastCount = (int) have;
        lastChange = System.nanoTime();
      } else if (System.nanoTime() - lastChange > quietLimit) {
        say(have + " of " + predicted.size() + " series have a verdict; giving up waiting (see "
            + log.path() + ")");
        return;
      }
      Thread.sleep(100);
    }
  }

  private void startServices(EmbeddedPlatform platform, InitialModel initial) throws InterruptedException {
    ServiceSettings settings = new ServiceSettings(platform.bootstrapServers(), platform.registryUrl(),
        work.resolve("state"), o.settings());
    phase = "starting the trainer";
    TrainerConfig trainerConfig = services.startTrainer(settings, initial.bundle());
    say(String.format(Locale.ROOT, "trainer started (gate: promote if holdout balanced accuracy improves by "
            + "%.2f or more%s); publishing the initial model as the first release",
        trainerConfig.gate().minImprovement(), trainerConfig.gate().maxRecallDrop() >= 1 ? ", per-class recall "
            + "guard off for the demo's small holdout" : String.format(Locale.ROOT,
            ", no class's recall dropping by more than %.2f", trainerConfig.gate().maxRecallDrop())));
    phase = "waiting for the initial release";
    long deadline = System.nanoTime() + START_TIMEOUT.toNanos();
    while (!promotedVersions.contains(initial.version())) {
      drainReleases();
      if (System.nanoTime() > deadline) {
        throw new IllegalStateException("the trainer did not publish the initial model within "
            + START_TIMEOUT.toSeconds() + " s; see " + log.path());
      }
      Thread.sleep(100);
    }

    phase = "starting the classifier";
    ClassifierService classifier = services.startClassifier(settings);
    deadline = System.nanoTime() + START_TIMEOUT.toNanos();
    while (classifier.state().orElse(KafkaStreams.State.CREATED) != KafkaStreams.State.RUNNING) {
      KafkaStreams.State state = classifier.state().orElse(KafkaStreams.State.CREATED);
      if (state == KafkaStreams.State.ERROR || state == KafkaStreams.State.NOT_RUNNING
          || System.nanoTime() > deadline) {
        throw new IllegalStateException("the classifier did not start (Kafka Streams " + state + "); see "
            + log.path());
      }
      Thread.sleep(100);
    }
    services.startVerdict(settings);
    say("classifier running, serving " + classifier.modelVersion().orElse("?") + " (metrics on :"
        + classifier.metricsPort() + "/metrics, trainer on :" + services.trainer().opsPort() + ")");
    phase = "starting the console";
    services.startConsole(settings);
  }

  /**
   * Streams the scans at the configured rate. The last {@link DemoOptions#holdBack()} of them wait
   * until the trainer decided on its first round (and, if it promoted, until the classifier serves
   * the new model), so that the run shows both models serving.
   */
  private void stream(Pacs pacs, List<StreamScan> scans) throws InterruptedException {
    int holdAt = scans.size() - (int) Math.round(scans.size() * o.holdBack());
    BooleanSupplier stop = () -> abort != null;
    say(String.format(Locale.ROOT, "streaming %,d scans at %.0f/s; the radiologist labels %.0f%% of them; "
        + "fine-tune after %d labels", scans.size(), o.rate(), 100 * o.labelFraction(), o.retrainAfter()));
    phase = "streaming";
    pacs.stream(scans.subList(0, holdAt), o.rate(), stop);
    checkAbort();
    if (holdAt < scans.size()) {
      awaitFirstDecision();
      phase = "streaming";
      pacs.stream(scans.subList(holdAt, scans.size()), o.rate(), stop);
      checkAbort();
    }
    say(String.format(Locale.ROOT, "all %,d scans sent; waiting for the last predictions", ledger.sentCount()));
  }

  private void awaitFirstDecision() throws InterruptedException {
    if (roundsRequested == 0) {
      say("only " + ledger.progress().labels() + " labels so far; asking the trainer for a round now");
      requestRound();
    }
    if (decisions.isEmpty()) {
      phase = "holding the rest of the stream until the trainer decides";
      say("holding the last " + (totalScans - ledger.sentCount()) + " scans until the trainer decides on round 1");
    }
    long holdFrom = System.currentTimeMillis();
    try {
      awaitDecisionAndSwap();
    } finally {
      long holdTo = System.currentTimeMillis();
      if (holdTo - holdFrom > 250) { // a decision already in and swapped is no hold
        holds.add(new DemoReport.Hold(holdFrom, holdTo));
      }
    }
  }

  private void awaitDecisionAndSwap() throws InterruptedException {
    long deadline = System.nanoTime() + o.decisionTimeout().toNanos();
    while (decisions.isEmpty() && System.nanoTime() < deadline) {
      checkAbort();
      Thread.sleep(100);
    }
    if (decisions.isEmpty()) {
      say("the trainer decided nothing within " + o.decisionTimeout().toSeconds() + " s (see " + log.path()
          + "); streaming the rest with the initial model");
      return;
    }
    ReleaseEvent first = decisions.get(0);
    if (first.status() == ReleaseStatus.PROMOTED) {
      phase = "waiting for the classifier to swap to " + first.version();
      long swapDeadline = System.nanoTime() + SWAP_TIMEOUT.toNanos();
      while (!first.version().equals(services.classifier().modelVersion().orElse(null)) && System.nanoTime() < swapDeadline) {
        checkAbort();
        Thread.sleep(50);
      }
      if (!first.version().equals(services.classifier().modelVersion().orElse(null))) {
        say("the classifier has not swapped to " + first.version() + " within " + SWAP_TIMEOUT.toSeconds()
            + " s (see " + log.path() + "); streaming on");
      }
    }
  }

  /** Waits until every scan sent has an outcome, giving up after a while without any progress. */
  private void drain(OutcomeWatcher watcher) throws InterruptedException {
    phase = "waiting for the last predictions";
    int last = -1;
    long lastChange = System.nanoTime();
    while (ledger.pending() > 0) {
      watcher.check();
      int pending = ledger.pending();
      if (pending != last) {
        last = pending;
        lastChange = System.nanoTime();
      } else if (System.nanoTime() - lastChange > o.drainTimeout().toNanos()) {
        say(pending + " scans still without an outcome after " + o.drainTimeout().toSeconds()
            + " s without progress; giving up waiting (see " + log.path() + ")");
        return;
      }
      Thread.sleep(100);
    }
  }

  /** The director's beat: decisions, swaps, round requests, the progress line. */
  private void tick(OutcomeWatcher watcher) {
    try {
      drainReleases();
      ScanLedger.Progress p = ledger.progress();
      for (String v : p.versions()) {
        if (versionsAnnounced.add(v) && !v.equals(p.versions().get(0))) {
          say("hot-swap: the classifier's first prediction with " + v + " (" + roles.getOrDefault(v, "?") + ")");
        }
      }
      if (roundsRequested < o.rounds() && p.labels() >= (long) o.retrainAfter() * (roundsRequested + 1)) {
        say(p.labels() + " labels: asking the trainer for fine-tune round " + (roundsRequested + 1));
        requestRound();
      }
      ClassifierService classifier = services.classifier();
      KafkaStreams.State state = classifier == null ? null : classifier.state().orElse(null);
      if (state == KafkaStreams.State.ERROR || state == KafkaStreams.State.NOT_RUNNING) {
        abort = "the classifier stopped (Kafka Streams " + state + ")";
      }
      try {
        watcher.check();
      } catch (IllegalStateException e) {
        abort = e.getMessage();
      }
      long now = System.nanoTime();
      if (now - lastProgressAt >= o.progressInterval().toNanos()) {
        lastProgressAt = now;
        say(progressLine.format(p, now, totalScans, roles, phaseNote()));
      }
    } catch (RuntimeException e) {
      LOG.warn("demo director: {}", e.toString(), e);
    }
  }

  private String phaseNote() {
    String note = phase.equals("streaming") ? "" : phase;
    if (roundsRequested > decisions.size()) {
      note += (note.isEmpty() ? "" : " | ") + "trainer: round " + roundsRequested + " running";
    }
    return note;
  }

  private void requestRound() {
    roundsRequested++;
    notes.add(new DemoReport.Note(System.currentTimeMillis(), "round " + roundsRequested + " requested ("
        + ledger.progress().labels() + " labels)"));
    services.trainer().requestRound();
  }

  /** Announces releases as they are read and keeps the fine-tune decisions. */
  private synchronized void drainReleases() {
    for (ReleaseEvent r; (r = releaseQueue.poll()) != null; ) {
      if (r.status() == ReleaseStatus.PROMOTED) {
        promotedVersions.add(r.version());
      }
      if (!r.isFineTune()) {
        say("release " + r.version() + " " + r.status() + ": " + r.reason());
        continue;
      }
      decisions.add(r);
      roles.putIfAbsent(r.version(), "fine-tune " + decisions.size());
      String figures = r.balancedAccuracy().isPresent() && r.parentBalancedAccuracy().isPresent()
          ? String.format(Locale.ROOT, " (holdout balanced accuracy %.3f -> %.3f)",
              r.parentBalancedAccuracy().get(), r.balancedAccuracy().get())
          : "";
      say("trainer: fine-tuned " + r.version() + " " + r.status() + figures + ": " + r.reason());
      if (r.status() != ReleaseStatus.PROMOTED) {
        say("the candidate was not promoted; the classifier keeps serving " + r.parentVersion());
      }
    }
  }

  private void checkAbort() {
    if (abort != null) {
      throw new IllegalStateException("the demo stopped: " + abort + "; see " + log.path());
    }
  }

  /**
   * Keeps everything up until the process is interrupted: the shutdown hook releases this thread
   * and waits for it to stop the services, so Ctrl-C ends the demo cleanly.
   */
  private void holdUntilInterrupted(Path report, EmbeddedPlatform platform)
      throws InterruptedException {
    java.util.concurrent.CountDownLatch stop = new java.util.concurrent.CountDownLatch(1);
    Thread hook = new Thread(() -> {
      stop.countDown();
      try {
        stoppedAll.await(60, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }, "demo-keep-running");
    Runtime.getRuntime().addShutdownHook(hook);
    say("report written to " + report + "; --keep-running: everything stays up, console at "
        + (services.console() == null ? "(not running)" : services.console().url()) + " — press Ctrl-C to stop");
    phase = "kept running";
    try {
      List<String> broken = BrokenScans.send(platform.client(), platform.serdeConfig(),
          cohort.stream().get(0));
      say("sent " + broken.size() + " broken records " + broken + " so the console's dead-letter "
          + "page has something to inspect and replay");
    } catch (Exception e) {
      LOG.warn("could not send the broken demo records: {}", e.toString());
    }
    stop.await();
    say("stopping");
  }

  private void endPhase(String name) {
    long now = System.nanoTime();
    phases.put(name, Duration.ofNanos(now - phaseStart));
    phaseStart = now;
  }

  private Duration elapsed() {
    return Duration.ofNanos(System.nanoTime() - started);
  }

  private synchronized void say(String line) {
    long s = elapsed().toSeconds();
    String stamped = String.format(Locale.ROOT, "[%2d:%02d] %s", s / 60, s % 60, line);
    console.println(stamped);
    console.flush();
    log.record("demo | " + stamped);
  }

  private static String stages(Map<DementiaStage, Integer> perStage) {
    List<String> parts = new ArrayList<>();
    for (DementiaStage s : DementiaStage.values()) {
      parts.add(Integer.toString(perStage.getOrDefault(s, 0)));
    }
    return "(" + String.join("/", parts) + " Non/VeryMild/Mild/Moderate)";
  }

  private static Path prepareWorkDir(Path requested) {
    try {
      if (requested == null) {
        return Files.createTempDirectory("neurostream-demo-").toAbsolutePath();
      }
      Path dir = requested.toAbsolutePath();
      if (Files.exists(dir)) {
        if (!Files.isDirectory(dir)) {
          throw new IllegalArgumentException("--work-dir " + dir + " is a file; choose a directory");
        }
        try (Stream<Path> entries = Files.list(dir)) {
          if (entries.findAny().isPresent()) {
            throw new IllegalArgumentException("--work-dir " + dir + " is not empty; choose a new directory "
                + "(every demo starts from a fresh broker) or delete it");
          }
        }
      }
      return Files.createDirectories(dir);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot create the work dir: " + e.getMessage(), e);
    }
  }

  private static void deleteQuietly(Path dir) {
    if (!Files.exists(dir)) {
      return;
    }
    try (Stream<Path> walk = Files.walk(dir)) {
      for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(p);
      }
    } catch (IOException | UncheckedIOException e) {
      LOG.debug("could not delete {}: {}", dir, e.toString());
    }
  }
}
