package io.neurostream.demo;

import io.neurostream.console.ConsoleService;
import io.neurostream.platform.EmbeddedPlatform;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code --keep-running}: after the report, everything stays up until the process is interrupted.
 * The shutdown hook releases the demo's thread and waits until the demo says it has stopped the
 * services ({@link #stopped()}), so Ctrl-C ends the demo cleanly.
 */
final class KeepRunning {
  private static final Logger LOG = LoggerFactory.getLogger(KeepRunning.class);

  private final Consumer<String> say;
  /** Released when the demo has stopped everything (the shutdown hook waits for it). */
  private final CountDownLatch stoppedAll = new CountDownLatch(1);

  KeepRunning(Consumer<String> say) {
    this.say = say;
  }

  /**
   * Sends a few broken records (so the console's dead-letter page has something to show), then
   * blocks until the process is interrupted.
   *
   * @param console the web console, or null when it does not run
   * @param template a streamed scan the broken records are made from
   */
  void hold(Path report, ConsoleService console, EmbeddedPlatform platform, StreamScan template)
      throws InterruptedException {
    CountDownLatch stop = new CountDownLatch(1);
    Thread hook = new Thread(() -> {
      stop.countDown();
      try {
        stoppedAll.await(60, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }, "demo-keep-running");
    Runtime.getRuntime().addShutdownHook(hook);
    say.accept("report written to " + report + "; --keep-running: everything stays up, console at "
        + (console == null ? "(not running)" : console.url()) + " — press Ctrl-C to stop");
    try {
      List<String> broken = BrokenScans.send(platform.client(), platform.serdeConfig(), template);
      say.accept("sent " + broken.size() + " broken records " + broken + " so the console's dead-letter "
          + "page has something to inspect and replay");
    } catch (Exception e) {
      LOG.warn("could not send the broken demo records: {}", e.toString());
    }
    stop.await();
    say.accept("stopping");
  }

  /** The demo has stopped everything: a waiting shutdown hook may let the JVM halt. */
  void stopped() {
    stoppedAll.countDown();
  }
}
