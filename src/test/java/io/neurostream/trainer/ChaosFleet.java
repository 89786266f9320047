package io.neurostream.trainer;

import io.neurostream.classifier.ClassifierProcess;
import io.neurostream.platform.KafkaStack;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * The services of {@link ChaosIT} as an orchestrator sees them: two classifiers and a trainer in
 * child JVMs, each restarted as soon as it is found dead (as Kubernetes would), and a monitor
 * that polls every {@code /ready} four times a second, so a test can ask how long a service took
 * to be ready again after a fault, and which model versions the classifiers ever served.
 */
final class ChaosFleet implements AutoCloseable {

  static final List<String> CLASSIFIERS = List.of("classifier-a", "classifier-b");
  static final String TRAINER = "trainer";
  static final String APP = "chaos-it";

  /** A fault's recovery: from {@code since} until every one of {@code services} was ready. */
  record Recovery(String fault, List<String> services, long since, long readyMs) {}

  private final KafkaStack stack;
  private final Path dir;
  private final Map<String, String> trainerSettings;
  private final Map<String, ClassifierProcess> classifiers = new ConcurrentHashMap<>();
  private volatile ChildTrainer trainer;
  private final Map<String, Boolean> ready = new ConcurrentHashMap<>();
  private final Map<String, Integer> starts = new ConcurrentHashMap<>();
  private final Set<String> stopping = ConcurrentHashMap.newKeySet();
  private final List<String> unplannedExits = new CopyOnWriteArrayList<>();
  final Set<String> served = ConcurrentHashMap.newKeySet();
  private final List<Pending> pending = new CopyOnWriteArrayList<>();
  final List<Recovery> recoveries = new CopyOnWriteArrayList<>();
  private final Thread monitor;
  private volatile boolean running = true;

  private record Pending(String fault, List<String> services, long since) {}

  ChaosFleet(KafkaStack stack, Path dir, Map<String, String> trainerSettings) {
    this.stack = stack;
    this.dir = dir;
    this.trainerSettings = trainerSettings;
    monitor = new Thread(this::watch, "chaos-monitor");
    monitor.setDaemon(true);
  }

  /** Starts the trainer, lets it publish its first release, then the classifiers and the monitor. */
  synchronized void startTrainer() {
    trainer = ChildTrainer.start(TRAINER + "-" + starts.merge(TRAINER, 1, Integer::sum), stack,
        dir.resolve("trainer"), trainerSettings);
  }

  synchronized void startClassifier(String name) {
    Path log = Path.of("target", "it-logs", "chaos-it-" + name + ".log");
    starts.merge(name, 1, Integer::sum);
    try {
      classifiers.put(name, ClassifierProcess.start(log, List.of("-Xmx768m"), List.of(
          "--bootstrap", stack.bootstrap(), "--registry", stack.registryUrl(),
          "--application-id", APP, "--state-dir", dir.resolve("state-" + name).toString(),
          // a restart after a kill takes its place in the group at once (static membership)
          "--set", "main.consumer.group.instance.id=" + APP + "-" + name,
          "--set", "transaction.timeout.ms=20000",
          "--set", "inference.max.ms.per.image=200",
          "--set", "verdict.enabled=false")));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  void startMonitor() {
    monitor.start();
  }

  /** SIGKILL ({@code hard}) or SIGTERM to {@code name}, then a restart at once. */
  void stopAndRestart(String name, boolean hard) throws InterruptedException {
    stopping.add(name);
    try {
      String how = hard ? "SIGKILL" : "SIGTERM";
      if (name.equals(TRAINER)) {
        ChildTrainer t = trainer;
        int code = hard ? kill(t) : t.terminate(Duration.ofSeconds(60));
        System.err.printf("[chaos] %s exited with %d after %s%n", name, code, how);
        ready.put(name, false);
        startTrainer();
      } else {
        ClassifierProcess p = classifiers.get(name);
        int code = hard ? kill(p) : p.terminate(Duration.ofSeconds(60));
        System.err.printf("[chaos] %s exited with %d after %s%n", name, code, how);
        ready.put(name, false);
        startClassifier(name);
      }
      expectRecovery(how + " " + name, List.of(name));
    } finally {
      stopping.remove(name);
    }
  }

  private static int kill(AutoCloseable process) throws InterruptedException {
    if (process instanceof ChildTrainer t) {
      t.kill();
    } else {
      ((ClassifierProcess) process).kill();
    }
    return 137;
  }

  /** Records that {@code services} should be ready again after {@code fault}, from now on. */
  void expectRecovery(String fault, List<String> services) {
    pending.add(new Pending(fault, services, System.currentTimeMillis()));
  }

  static List<String> all() {
    List<String> all = new ArrayList<>(CLASSIFIERS);
    all.add(TRAINER);
    return all;
  }

  boolean allReady() {
    return all().stream().allMatch(s -> ready.getOrDefault(s, false));
  }

  boolean recovered() {
    return pending.isEmpty();
  }

  /** Faults whose services were not all ready again by now, with how long they have waited. */
  List<String> stillRecovering() {
    long now = System.currentTimeMillis();
    return pending.stream().map(p -> p.fault() + " (" + (now - p.since()) + " ms)").toList();
  }

  List<String> unplannedExits() {
    return Collections.unmodifiableList(unplannedExits);
  }

  Map<String, Integer> starts() {
    return new LinkedHashMap<>(starts);
  }

  private void watch() {
    while (running) {
      long now = System.currentTimeMillis();
      restartTheDead();
      for (String c : CLASSIFIERS) {
        ClassifierProcess p = classifiers.get(c);
        String version = p == null ? null : p.servedVersion();
        ready.put(c, version != null);
        if (version != null) {
          served.add(version);
        }
      }
      ChildTrainer t = trainer;
      ready.put(TRAINER, t != null && t.ready());
      for (Pending p : pending) {
        if (p.services().stream().allMatch(s -> ready.getOrDefault(s, false))) {
          recoveries.add(new Recovery(p.fault(), p.services(), p.since(), now - p.since()));
          pending.remove(p);
        }
      }
      try {
        Thread.sleep(250);
      } catch (InterruptedException e) {
        return;
      }
    }
  }

  /** What an orchestrator does: a process that exited by itself is started again. */
  private synchronized void restartTheDead() {
    if (!running) {
      return;
    }
    for (String c : CLASSIFIERS) {
      ClassifierProcess p = classifiers.get(c);
      if (p != null && !p.isAlive() && !stopping.contains(c)) {
        unplannedExits.add(c + " at " + Instant.now());
        System.err.printf("[chaos] %s exited by itself; restarting it%n", c);
        startClassifier(c);
        expectRecovery("exit of " + c, List.of(c));
      }
    }
    if (trainer != null && !trainer.isAlive() && !stopping.contains(TRAINER)) {
      unplannedExits.add(TRAINER + " at " + Instant.now());
      System.err.printf("[chaos] %s exited by itself; restarting it%n", TRAINER);
      startTrainer();
      expectRecovery("exit of " + TRAINER, List.of(TRAINER));
    }
  }

  /** The recoveries' longest wait per kind of fault, e.g. {@code SIGKILL classifier} → ms. */
  Map<String, Long> longestByKind() {
    Map<String, Long> out = new LinkedHashMap<>();
    for (Recovery r : recoveries) {
      String kind = r.fault().replaceAll("-[ab]$", "").replaceAll(" \\(.*", "");
      out.merge(kind, r.readyMs(), Math::max);
    }
    return out;
  }

  String report() {
    StringBuilder b = new StringBuilder();
    for (Recovery r : recoveries) {
      b.append(String.format(Locale.ROOT, "  %-40s ready again after %6d ms%n", r.fault(),
          r.readyMs()));
    }
    return b.toString();
  }

  @Override
  public void close() throws InterruptedException {
    running = false;
    monitor.interrupt();
    for (ClassifierProcess p : classifiers.values()) {
      p.close();
    }
    if (trainer != null) {
      trainer.close();
    }
  }

}
