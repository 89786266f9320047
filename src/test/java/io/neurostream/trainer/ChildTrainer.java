package io.neurostream.trainer;

import io.neurostream.classifier.ClassifierProcess;
import io.neurostream.platform.KafkaStack;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * {@code neurostream trainer} in a child JVM on this test's class path, so a test can kill it hard
 * (SIGKILL: no shutdown hook, no close, an open transaction left behind) at a moment its log names.
 */
final class ChildTrainer implements AutoCloseable {

  private final Process process;
  private final String name;
  private final List<String> lines = new CopyOnWriteArrayList<>();
  private volatile int opsPort;

  private ChildTrainer(Process process, String name) {
    this.process = process;
    this.name = name;
    Thread reader = new Thread(() -> {
      try (BufferedReader in = new BufferedReader(
          new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
        for (String line; (line = in.readLine()) != null; ) {
          lines.add(line);
          System.out.println("[" + name + "] " + line);
        }
      } catch (IOException e) {
        // the process died: nothing more to read
      }
    }, name + "-log");
    reader.setDaemon(true);
    reader.start();
  }

  static ChildTrainer start(String name, KafkaStack stack, Path stateDir, Map<String, String> settings) {
    List<String> cmd = new ArrayList<>();
    cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    cmd.add("-Xmx1g");
    for (String p : List.of("ai.djl.offline", "DJL_CACHE_DIR", "ai.djl.default_engine")) {
      if (System.getProperty(p) != null) {
        cmd.add("-D" + p + "=" + System.getProperty(p));
      }
    }
    cmd.add("-cp");
    cmd.add(System.getProperty("java.class.path"));
    cmd.add("io.neurostream.cli.NeuroStream");
    cmd.add("trainer");
    cmd.add("--bootstrap=" + stack.bootstrap());
    cmd.add("--registry=" + stack.registryUrl());
    cmd.add("--state-dir=" + stateDir);
    cmd.add("--metrics-port=0");
    settings.forEach((k, v) -> cmd.add("--set=" + k + "=" + v));
    try {
      Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
      return new ChildTrainer(p, name);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Waits for a log line matching {@code regex}; returns its match. */
  Matcher awaitLine(String regex, Duration timeout) throws InterruptedException {
    Pattern pattern = Pattern.compile(regex);
    long deadline = System.nanoTime() + timeout.toNanos();
    int from = 0;
    while (System.nanoTime() < deadline) {
      List<String> snapshot = List.copyOf(lines);
      for (int i = from; i < snapshot.size(); i++) {
        Matcher m = pattern.matcher(snapshot.get(i));
        if (m.find()) {
          return m;
        }
      }
      from = snapshot.size();
      if (!process.isAlive()) {
        throw new AssertionError(name + " exited with " + process.exitValue() + " before logging /"
            + regex + "/");
      }
      Thread.sleep(20);
    }
    throw new AssertionError(name + " did not log /" + regex + "/ within " + timeout);
  }

  /** Whether any log line so far matches {@code regex}. */
  Optional<String> logged(String regex) {
    Pattern pattern = Pattern.compile(regex);
    return lines.stream().filter(l -> pattern.matcher(l).find()).findFirst();
  }

  /** Whether its {@code /ready} says ready (false before it has logged its ops port). */
  boolean ready() {
    if (opsPort == 0) {
      logged("ops port \\d+").ifPresent(line -> opsPort = Integer.parseInt(
          line.replaceAll(".*ops port (\\d+).*", "$1")));
    }
    return opsPort != 0 && ClassifierProcess.readyBody(opsPort) != null;
  }

  boolean isAlive() {
    return process.isAlive();
  }

  /** SIGTERM, then waits; the exit code, or -1 if it still runs after {@code timeout}. */
  int terminate(Duration timeout) throws InterruptedException {
    process.destroy();
    return process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS) ? process.exitValue() : -1;
  }

  /** SIGKILL, and wait until the process is gone. */
  void kill() throws InterruptedException {
    process.destroyForcibly();
    process.waitFor(30, TimeUnit.SECONDS);
  }

  @Override
  public void close() throws InterruptedException {
    if (process.isAlive()) {
      kill();
    }
  }
}
