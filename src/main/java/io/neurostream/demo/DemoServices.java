package io.neurostream.demo;

import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.neurostream.classifier.ClassifierConfig;
import io.neurostream.classifier.ClassifierKeys;
import io.neurostream.classifier.ClassifierService;
import io.neurostream.config.CommonKeys;
import io.neurostream.console.ConsoleConfig;
import io.neurostream.console.ConsoleKeys;
import io.neurostream.console.ConsoleService;
import io.neurostream.ops.Waiting;
import io.neurostream.trainer.TrainerConfig;
import io.neurostream.trainer.TrainerKeys;
import io.neurostream.trainer.TrainerService;
import io.neurostream.verdict.VerdictConfig;
import io.neurostream.verdict.VerdictKeys;
import io.neurostream.verdict.VerdictService;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.function.Consumer;
import org.apache.kafka.streams.KafkaStreams;

/**
 * The services a demo runs in its JVM (trainer, classifier, verdict stage, console), started with
 * the demo's settings and stopped together.
 */
final class DemoServices implements AutoCloseable {
  private static final Duration START_TIMEOUT = Duration.ofMinutes(3);
  private final DemoSettings demo;
  private final DemoConsole out;
  /** Enables the console's rollback and replay for this run only; printed with its URL. */
  private final String adminToken = HexFormat.of().formatHex(randomBytes());
  private TrainerService trainer;
  private ClassifierService classifier;
  private VerdictService verdict;
  private ConsoleService webConsole;

  DemoServices(DemoSettings demo, DemoConsole out) {
    this.demo = demo;
    this.out = out;
  }

  /**
   * Starts the services in order: the trainer, which publishes the initial model as the first
   * release; once that release is read, the classifier, and once it runs, the verdict stage and
   * the console.
   *
   * @param phase told what the start is waiting for, for the progress line
   * @throws IllegalStateException when the initial release or the classifier does not come up
   */
  void start(ServiceSettings settings, InitialModel initial, ReleaseDirector releases, Consumer<String> phase)
      throws InterruptedException {
    phase.accept("starting the trainer");
    TrainerConfig trainerConfig = startTrainer(settings, initial.bundle());
    out.say(String.format(Locale.ROOT, "trainer started (gate: promote if holdout balanced accuracy improves by "
            + "%.2f or more%s); publishing the initial model as the first release",
        trainerConfig.gate().minImprovement(), trainerConfig.gate().maxRecallDrop() >= 1 ? ", per-class recall "
            + "guard off for the demo's small holdout" : String.format(Locale.ROOT,
            ", no class's recall dropping by more than %.2f", trainerConfig.gate().maxRecallDrop())));
    phase.accept("waiting for the initial release");
    if (!Waiting.until(() -> releases.promoted(initial.version()), START_TIMEOUT)) {
      throw new IllegalStateException("the trainer did not publish the initial model within "
          + START_TIMEOUT.toSeconds() + " s; see " + out.logPath());
    }

    phase.accept("starting the classifier");
    ClassifierService started = startClassifier(settings);
    if (!Waiting.until(() -> {
      KafkaStreams.State state = started.state().orElse(KafkaStreams.State.CREATED);
      if (state == KafkaStreams.State.ERROR || state == KafkaStreams.State.NOT_RUNNING) {
        throw new IllegalStateException("the classifier did not start (Kafka Streams " + state + "); see "
            + out.logPath());
      }
      return state == KafkaStreams.State.RUNNING;
    }, START_TIMEOUT)) {
      throw new IllegalStateException("the classifier did not start (Kafka Streams "
          + started.state().orElse(KafkaStreams.State.CREATED) + "); see " + out.logPath());
    }
    startVerdict(settings);
    out.say("classifier running, serving " + started.modelVersion().orElse("?") + " (metrics on :"
        + started.metricsPort() + "/metrics, trainer on :" + trainer.opsPort() + ")");
    phase.accept("starting the console");
    startConsole(settings);
  }

  TrainerConfig startTrainer(ServiceSettings settings, Path initialBundle) {
    TrainerConfig config = TrainerConfig.from(
        settings.load(demo.trainer(initialBundle), new CommonKeys(), new TrainerKeys()));
    trainer = TrainerService.start(config, new PrometheusMeterRegistry(PrometheusConfig.DEFAULT));
    return config;
  }

  ClassifierService startClassifier(ServiceSettings settings) throws InterruptedException {
    classifier = ClassifierService.start(ClassifierConfig.from(
            settings.load(demo.classifier(), new CommonKeys(), new ClassifierKeys())),
        new PrometheusMeterRegistry(PrometheusConfig.DEFAULT));
    return classifier;
  }

  void startVerdict(ServiceSettings settings) {
    verdict = VerdictService.startHosted(VerdictConfig.from(
            settings.load(demo.verdict(), new CommonKeys(), new VerdictKeys())),
        new PrometheusMeterRegistry(PrometheusConfig.DEFAULT));
  }

  /** The console, on port 8080 if free, else any; its URL and admin token are printed. */
  void startConsole(ServiceSettings settings) {
    Map<String, String> s = new LinkedHashMap<>();
    s.put(ConsoleKeys.ADMIN_TOKEN.name(), adminToken);
    s.put(ConsoleKeys.PORT.name(), "8080");
    try {
      webConsole = ConsoleService.start(ConsoleConfig.from(settings.load(s, new CommonKeys(),
          new ConsoleKeys())), new PrometheusMeterRegistry(PrometheusConfig.DEFAULT));
    } catch (UncheckedIOException e) {
      s.put(ConsoleKeys.PORT.name(), "0"); // 8080 is taken: any free port
      webConsole = ConsoleService.start(ConsoleConfig.from(settings.load(s, new CommonKeys(),
          new ConsoleKeys())), new PrometheusMeterRegistry(PrometheusConfig.DEFAULT));
    }
    out.say("console at " + webConsole.url() + " (live overview, releases, predictions, dead letters; "
        + "admin token for rollback and replay: " + adminToken + ")");
  }

  TrainerService trainer() {
    return trainer;
  }

  /** The classifier, or null before it starts and after the services stopped. */
  ClassifierService classifier() {
    return classifier;
  }

  /** The console, or null when it does not run. */
  ConsoleService console() {
    return webConsole;
  }

  String adminToken() {
    return adminToken;
  }

  @Override
  public void close() {
    if (webConsole != null) {
      webConsole.close();
      webConsole = null;
    }
    if (trainer != null) {
      trainer.close();
      trainer = null;
    }
    if (classifier != null) {
      classifier.close();
      classifier = null;
    }
    if (verdict != null) {
      verdict.close();
      verdict = null;
    }
  }

  private static byte[] randomBytes() {
    byte[] b = new byte[16];
    new SecureRandom().nextBytes(b);
    return b;
  }
}
