package io.neurostream.classifier;

import static org.assertj.core.api.Assertions.assertThat;

import io.neurostream.avro.Prediction;
import io.neurostream.platform.KafkaStack;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Random;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Exactly once through hard crashes: the classifier runs in a child JVM that is killed with
 * SIGKILL at five random moments while 2,000 scans stream in, and restarted each time.
 */
@Timeout(value = 12, unit = TimeUnit.MINUTES)
class ClassifierCrashIT {

  static final String APP = "classifier-crash-it";
  static final int SCANS = 2000;
  @TempDir static Path dir;
  @RegisterExtension static final KafkaStack stack = KafkaStack.withRegistry();
  static Path bundle;
  static final Path LOG = Path.of("target", "it-logs", "classifier-crash-it.log");

  @BeforeAll
  static void start() throws Exception {
    java.nio.file.Files.createDirectories(LOG.getParent());
    java.nio.file.Files.deleteIfExists(LOG);
    bundle = TinyBundles.write(dir.resolve("crash-1.bundle"), "crash-1");
  }

  @AfterAll
  static void stop() {
  }

  private ClassifierProcess classifier() throws Exception {
    return ClassifierProcess.start(LOG, List.of("-Xmx768m"),
        ClassifierProcess.crashTestArgs(stack, bundle, APP, dir.resolve("state")));
  }

  @Test
  void shouldProduceExactlyOnePredictionPerScanThroughFiveHardKills() throws Exception {
    // kill times are random; the seed is printed so a failing run can be repeated exactly
    long seed = Long.getLong("neurostream.test.seed", System.nanoTime());
    System.out.println("ClassifierCrashIT seed " + seed + " (repeat with -Dneurostream.test.seed=" + seed + ")");
    Random random = new Random(seed);
    AtomicInteger sent = new AtomicInteger();
    // scans are released in six parts, one per classifier run, so every kill falls mid-stream
    Semaphore released = new Semaphore(0);
    int part = SCANS / 6;
    try (ScanTraffic traffic = new ScanTraffic(stack)) {
      // given a stream of 2,000 scans
      Thread producer = new Thread(() -> {
        for (int i = 0; i < SCANS; i++) {
          released.acquireUninterruptibly();
          traffic.send(traffic.scan("crash-" + i));
          sent.incrementAndGet();
          if (i % 10 == 9) {
            traffic.flush();
            sleep(100);
          }
        }
        traffic.flush();
      }, "scan-producer");
      producer.start();

      // when the classifier is killed hard at five random moments and restarted each time
      for (int kill = 1; kill <= 5; kill++) {
        released.release(part);
        ClassifierProcess p = classifier();
        p.awaitReady(Duration.ofMinutes(3));
        long wait = 300 + random.nextInt(3000);
        Thread.sleep(wait);
        System.err.printf("kill %d after %d ms of RUNNING, %d scans sent%n", kill, wait, sent.get());
        p.kill();
      }
      released.release(SCANS - 5 * part);
      producer.join();
      try (ClassifierProcess last = classifier()) {
        last.awaitReady(Duration.ofMinutes(3));
        traffic.awaitConsumed(APP, Duration.ofMinutes(5));
        // and a SIGTERM stops it cleanly within 30 seconds (143 = terminated by SIGTERM)
        assertThat(last.terminate(Duration.ofSeconds(30))).isIn(0, 143);
        assertThat(java.nio.file.Files.readString(LOG))
            .contains("kafka streams closed cleanly");
      }

      // then exactly one committed prediction per scan
      List<ConsumerRecord<String, Prediction>> out = traffic.predictions(k -> k.startsWith("crash-"));
      assertThat(out.stream().map(ConsumerRecord::key).distinct()).hasSize(SCANS);
      assertThat(out).hasSize(SCANS);
    }
  }

  private static void sleep(long ms) {
    try {
      Thread.sleep(ms);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
