package io.neurostream.demo;

import io.neurostream.platform.EmbeddedPlatform;
import io.neurostream.classifier.ClassifierService;
import io.neurostream.ops.Waiting;
import io.neurostream.phantom.PhantomGenerator;
import io.neurostream.model.DjlDefaults;
import io.neurostream.trainer.TrainerService;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;
import org.apache.kafka.streams.KafkaStreams;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One demo run, everything in this JVM: embedded broker and registry, phantoms, an initial model
 * published through the trainer, the classifier following releases, a PACS streaming scans and a
 * radiologist labelling a share of them, a fine-tune round and its hot-swap, then the summary and
 * the report. The demo drives the trainer's rounds itself ({@link TrainerService#requestRound()}
 * after every {@link DemoOptions#retrainAfter()} labels, through its {@link ReleaseDirector}), so
 * a run has a known number of rounds.
 */
public final class DemoRun {

  private static final Logger LOG = LoggerFactory.getLogger(DemoRun.class);
  static final String APPLICATION_ID = "neurostream-demo-classifier";
  static final String VERDICT_APPLICATION_ID = "neurostream-demo-verdict";
  /** Quiet time after which the demo's verdict stage closes a series that misses slices. */
  static final Duration VERDICT_GAP = Duration.ofSeconds(5);
  private static final long TICK_MS = 250;

  private final DemoOptions o;
  private final Path work;
  private final DemoConsole out;
  private final ScanLedger ledger = new ScanLedger();
  private final List<DemoReport.Hold> holds = new java.util.concurrent.CopyOnWriteArrayList<>();
  private final Set<String> versionsAnnounced = new HashSet<>();
  private final ReleaseDirector releases;
  private volatile String abort;
  private volatile String phase = "starting";
  private volatile int totalScans;
  private long lastProgressAt;
  private ProgressLine progressLine;

  private DemoCohort cohort;
  private InitialModel initial;
  private final DemoSettings settings;
  private final DemoServices services;
  private final boolean keepRunning;
  /** Called with the result of a kept-running demo before it lets the JVM stop. */
  private final Consumer<DemoResult> onResult;
  /** Holds a kept-running demo up until Ctrl-C; its shutdown hook waits for {@link KeepRunning#stopped()}. */
  private final KeepRunning keptRunning;

  private DemoRun(DemoOptions o, Path work, DemoLog log, boolean keepRunning, Consumer<DemoResult> onResult) {
    this.o = o;
    this.work = work;
    this.out = new DemoConsole(log);
    this.keepRunning = keepRunning;
    this.onResult = onResult;
    this.settings = new DemoSettings(o);
    this.services = new DemoServices(settings, out);
    this.keptRunning = new KeepRunning(out::say);
    this.releases = new ReleaseDirector(out, () -> services.trainer().requestRound());
  }

  /**
   * Runs the demo. Its own lines go to the console (standard error as it was when called); the
   * services' logs go to {@code demo.log} in the work dir.
   *
   * @throws IllegalStateException naming the problem and where to look when the run cannot go on
   */
  public static DemoResult run(DemoOptions options) throws InterruptedException {
    return run(options, false, r -> { });
  }

  /**
   * Runs the demo; with {@code keepRunning}, everything (broker, registry, classifier, trainer,
   * console) stays up after the report is written until the process is interrupted (Ctrl-C), so
   * the console can be explored.
   */
  public static DemoResult run(DemoOptions options, boolean keepRunning,
      Consumer<DemoResult> onResult) throws InterruptedException {
    DjlDefaults.apply();
    Path work = DemoWorkDir.prepare(options.workDir());
    try (DemoLog log = DemoLog.capture(work.resolve("demo.log"), options.verbose())) {
      return new DemoRun(options, work, log, keepRunning, onResult).go();
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
    Map<String, byte[]> overlays;
    String initialVersion;
    long streamStart;
    List<ReleaseEvent> released;
    Path report = null;
    // the broker starts while the phantoms are drawn and the initial model trains
    CompletableFuture<EmbeddedPlatform> starting =
        CompletableFuture.supplyAsync(() -> EmbeddedPlatform.start(work.resolve("kafka")));
    try (EmbeddedPlatform platform = platformWhenReady(starting, this::prepareModel)) {
      say("embedded Kafka at " + platform.bootstrapServers() + ", schema registry at " + platform.registryUrl()
          + ", topics created");
      out.endPhase("platform start (not overlapped)");
      InitialModel initial = this.initial;
      initialVersion = initial.version();
      try (OutcomeWatcher watcher = new OutcomeWatcher(platform.client(), platform.serdeConfig(), ledger,
          releases::offer).start();
           VerdictWatcher verdicts = new VerdictWatcher(platform.client(), platform.serdeConfig()).start()) {
        services.start(new ServiceSettings(platform.bootstrapServers(), platform.registryUrl(),
            work.resolve("state"), o.settings()), initial, releases, p -> phase = p);
        out.endPhase("services");

        streamStart = System.currentTimeMillis();
        lastProgressAt = System.nanoTime();
        progressLine = new ProgressLine(lastProgressAt);
        director.scheduleWithFixedDelay(() -> tick(watcher), TICK_MS, TICK_MS, TimeUnit.MILLISECONDS);
        try (Radiologist radiologist = new Radiologist(platform.client(), platform.serdeConfig(), ledger,
                o.labelDelay(), o.seed());
             Pacs pacs = new Pacs(platform.client(), platform.serdeConfig(), ledger, radiologist, o.encoding(),
                 o.labelFraction(), o.seed())) {
          stream(pacs, cohort.stream());
          out.endPhase("stream");
          drain(watcher);
          awaitVerdicts(verdicts);
          out.endPhase("drain");
        }
        director.shutdownNow();
        director.awaitTermination(5, TimeUnit.SECONDS);
        releases.drain();
        released = watcher.releases();
        summary = DemoSummary.of(ledger.snapshot(), initialVersion, released);
        series = SeriesSummary.of(verdicts.latest(), cohort.truthBySeries());
        overlays = verdicts.overlays();
        if (keepRunning) {
          report = writeReport(summary, streamStart, released, series, overlays);
          phase = "kept running";
          keptRunning.hold(report, services.console(), platform, cohort.stream().get(0));
        }
        services.close();
      }
    } finally {
      director.shutdownNow();
      services.close();
    }
    out.endPhase("shutdown");

    if (report == null) {
      report = writeReport(summary, streamStart, released, series, overlays);
    }
    out.endPhase("report");
    if (!o.keepKafkaData()) {
      DemoWorkDir.deleteQuietly(work.resolve("kafka"));
      DemoWorkDir.deleteQuietly(work.resolve("state"));
    }
    DemoResult result = new DemoResult(work, report, out.logPath(), summary, initialVersion, out.elapsed(),
        out.phases(), series);
    if (keepRunning) {
      // printed before the shutdown hook lets the JVM halt
      onResult.accept(result);
    }
    keptRunning.stopped();
    return result;
  }

  private Path writeReport(DemoSummary summary, long streamStart, List<ReleaseEvent> released,
      SeriesSummary series, Map<String, byte[]> overlays) {
    Path dir = work.resolve("report");
    return DemoReport.write(dir, summary, ledger.snapshot(),
        new DemoReport.Context(o.describe(), streamStart, released, out.phases(), out.elapsed(),
            releases.notes(), holds),
        series, DemoOverlays.write(dir, series, overlays));
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
        DemoCohort.stages(cohort.initialSubjects()), cohort.streamSubjectCount(),
        DemoCohort.stages(cohort.streamSubjects()), totalScans));
    out.endPhase("phantoms");
    if (o.model() != null) {
      initial = InitialModel.given(o.model());
    } else {
      say(String.format(Locale.ROOT, "training the initial model: ResNet-%d at %d px, %d epochs on the %d "
          + "initial subjects", o.depth(), o.imageSize(), o.initialEpochs(), cohort.initialSubjectCount()));
      initial = InitialModel.train(cohort, work.resolve("models"), o, System.err);
    }
    releases.role(initial.version(), "initial");
    say("initial model " + initial.version() + ": " + initial.description());
    out.endPhase("initial model");
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

  /**
   * After the scans: waits until every series with a prediction has a verdict, or until the gap
   * and a margin have passed without a new one.
   */
  private void awaitVerdicts(VerdictWatcher verdicts) throws InterruptedException {
    phase = "waiting for series verdicts";
    Set<String> predicted = new HashSet<>();
    Map<String, String> seriesOf = cohort.seriesBySop();
    for (ScanLedger.Scored s : ledger.snapshot().predictions()) {
      String series = seriesOf.get(s.prediction().scanId());
      if (series != null) {
        predicted.add(series);
      }
    }
    long have = verdicts.awaitVerdicts(predicted, VERDICT_GAP.plus(Duration.ofSeconds(30)));
    if (have >= predicted.size()) {
      say(String.format(Locale.ROOT, "%d series verdicts (%d verdict records with revisions)",
          have, verdicts.records()));
    } else {
      say(have + " of " + predicted.size() + " series have a verdict; giving up waiting (see "
          + out.logPath() + ")");
    }
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
    if (releases.roundsRequested() == 0) {
      say("only " + ledger.progress().labels() + " labels so far; asking the trainer for a round now");
      releases.requestRound(ledger.progress().labels());
    }
    if (!releases.decided()) {
      phase = "holding the rest of the stream until the trainer decides";
      say("holding the last " + (totalScans - ledger.sentCount()) + " scans until the trainer decides on round 1");
    }
    long holdFrom = System.currentTimeMillis();
    try {
      releases.awaitFirstDecisionServed(o.decisionTimeout(),
          () -> services.classifier().modelVersion().orElse(null), this::checkAbort, p -> phase = p);
    } finally {
      long holdTo = System.currentTimeMillis();
      if (holdTo - holdFrom > 250) { // a decision already in and swapped is no hold
        holds.add(new DemoReport.Hold(holdFrom, holdTo));
      }
    }
  }

  /** Waits until every scan sent has an outcome, giving up after a while without any progress. */
  private void drain(OutcomeWatcher watcher) throws InterruptedException {
    phase = "waiting for the last predictions";
    boolean drained = Waiting.whileProgressing(() -> {
      if (ledger.pending() > 0) {
        watcher.check();
      }
      return ledger.pending();
    }, pending -> pending == 0, o.drainTimeout(), Waiting.DEFAULT_POLL);
    if (!drained) {
      say(ledger.pending() + " scans still without an outcome after " + o.drainTimeout().toSeconds()
          + " s without progress; giving up waiting (see " + out.logPath() + ")");
    }
  }

  /** The director's beat: decisions, swaps, round requests, the progress line. */
  private void tick(OutcomeWatcher watcher) {
    try {
      releases.drain();
      ScanLedger.Progress p = ledger.progress();
      for (String v : p.versions()) {
        if (versionsAnnounced.add(v) && !v.equals(p.versions().get(0))) {
          say("hot-swap: the classifier's first prediction with " + v + " ("
              + releases.roles().getOrDefault(v, "?") + ")");
        }
      }
      int rounds = releases.roundsRequested();
      if (rounds < o.rounds() && p.labels() >= (long) o.retrainAfter() * (rounds + 1)) {
        say(p.labels() + " labels: asking the trainer for fine-tune round " + (rounds + 1));
        releases.requestRound(ledger.progress().labels());
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
        say(progressLine.format(p, now, totalScans, releases.roles(), phaseNote()));
      }
    } catch (RuntimeException e) {
      LOG.warn("demo director: {}", e.toString(), e);
    }
  }

  private String phaseNote() {
    String note = phase.equals("streaming") ? "" : phase;
    String trainer = releases.trainerNote();
    if (!trainer.isEmpty()) {
      note += (note.isEmpty() ? "" : " | ") + trainer;
    }
    return note;
  }

  private void checkAbort() {
    if (abort != null) {
      throw new IllegalStateException("the demo stopped: " + abort + "; see " + out.logPath());
    }
  }

  private void say(String line) {
    out.say(line);
  }
}
