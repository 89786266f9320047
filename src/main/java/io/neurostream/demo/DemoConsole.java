package io.neurostream.demo;

import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * The demo's own voice and clock: time-stamped lines on the console (and in the log, for the
 * record) and the wall time of each phase of the run.
 */
final class DemoConsole {
  private final DemoLog log;
  private final long started = System.nanoTime();
  private final Map<String, Duration> phases = new LinkedHashMap<>();
  private long phaseStart = System.nanoTime();

  DemoConsole(DemoLog log) {
    this.log = log;
  }

  /** Writes a line stamped with the run's elapsed time to the console and the log. */
  synchronized void say(String line) {
    long s = elapsed().toSeconds();
    String stamped = String.format(Locale.ROOT, "[%2d:%02d] %s", s / 60, s % 60, line);
    log.console().println(stamped);
    log.console().flush();
    log.record("demo | " + stamped);
  }

  /** Ends the current phase under {@code name}; the next phase starts now. */
  void endPhase(String name) {
    long now = System.nanoTime();
    phases.put(name, Duration.ofNanos(now - phaseStart));
    phaseStart = now;
  }

  /** The phases ended so far, in order (a live view: later phases appear in it). */
  Map<String, Duration> phases() {
    return phases;
  }

  Duration elapsed() {
    return Duration.ofNanos(System.nanoTime() - started);
  }

  /** Where the services' logs go; named in every message that gives up. */
  Path logPath() {
    return log.path();
  }
}
