package io.neurostream.classifier;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.withinPercentage;
import static org.awaitility.Awaitility.await;

import io.neurostream.avro.Prediction;
import io.neurostream.avro.ReleaseStatus;
import io.neurostream.platform.KafkaStack;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Ten releases while scans stream through a classifier in a child JVM: every scan is predicted
 * once, per partition the model version never goes back, and resident memory after the tenth
 * swap stays within 6% of that after the third.
 */
@Timeout(value = 10, unit = TimeUnit.MINUTES)
class ClassifierHotSwapIT {

  static final String APP = "classifier-hotswap-it";
  static final Path LOG = Path.of("target", "it-logs", "classifier-hotswap-it.log");
  static final int RELEASES = 10;
  /**
   * Swaps after which resident memory is the baseline. The first swaps still grow it while the
   * process warms up (stores, caches and allocator arenas filling under traffic): +5-6 % from swap
   * 1 to 3 in every run since the leak below was fixed, +1.3-3.2 % from swap 3 to 10.
   */
  static final int WARM_SWAPS = 3;
  @TempDir static Path dir;
  @RegisterExtension static final KafkaStack stack = KafkaStack.withRegistry();
  static List<Path> bundles;

  @BeforeAll
  static void start() throws Exception {
    Files.createDirectories(LOG.getParent());
    Files.deleteIfExists(LOG);
    List<String> versions = new ArrayList<>();
    for (int i = 0; i <= RELEASES; i++) {
      versions.add(version(i));
    }
    bundles = TinyBundles.write(Files.createDirectories(dir.resolve("bundles")), versions);
  }

  @AfterAll
  static void stop() {
  }

  static String version(int i) {
    return String.format("swap-%02d", i);
  }

  @Test
  void shouldSwapTenTimesWithoutLosingAScanGoingBackOrGrowingInMemory() throws Exception {
    AtomicBoolean streaming = new AtomicBoolean(true);
    AtomicInteger sent = new AtomicInteger();
    long rssAfterFirst = 0;
    long rssAfterLast = 0;
    try (ScanTraffic traffic = new ScanTraffic(stack);
        TestReleases releases = new TestReleases(stack);
        ClassifierProcess classifier = ClassifierProcess.start(LOG,
            // a fixed, pre-touched heap: what changes in RSS is native memory
            List.of("-Xms512m", "-Xmx512m", "-XX:+AlwaysPreTouch"),
            List.of("--bootstrap", stack.bootstrap(), "--registry", stack.registryUrl(),
                "--model", bundles.get(0).toString(), "--application-id", APP,
                "--state-dir", dir.resolve("state").toString(),
                // the swap's own memory: the explainer holds up to two older versions of its own
                // (ExplainerModels), which would fill up across the first swaps and read as growth
                "--set", "explain.mode=off"))) {
      classifier.awaitReady(Duration.ofMinutes(3));
      assertThat(classifier.servedVersion()).isEqualTo(version(0));

      // given a steady stream of scans
      Thread producer = new Thread(() -> {
        int i = 0;
        while (streaming.get()) {
          traffic.send(traffic.scan("swap-scan-" + i++));
          sent.incrementAndGet();
          if (i % 5 == 0) {
            traffic.flush();
            sleep(100);
          }
        }
        traffic.flush();
      }, "scan-producer");
      producer.start();
      // the classifier serves a while first, so JIT and allocator warm-up is not counted as growth
      await("800 warm-up predictions").atMost(Duration.ofMinutes(3)).pollInterval(Duration.ofMillis(200))
          .until(() -> predictionsOut(classifier) >= 800);

      // when ten releases are promoted one after another
      for (int r = 1; r <= RELEASES; r++) {
        String version = version(r);
        releases.publish(version, Files.readAllBytes(bundles.get(r)), ReleaseStatus.PROMOTED,
            io.neurostream.release.ArtifactDigest.sha256(Files.readAllBytes(
                bundles.get(r))), Instant.now());
        await("swap to " + version).atMost(Duration.ofMinutes(2)).pollInterval(Duration.ofMillis(100))
            .until(() -> version.equals(classifier.servedVersion()));
        double before = predictionsOut(classifier);
        // let batches run on the new model
        await("100 predictions on " + version).atMost(Duration.ofMinutes(2))
            .pollInterval(Duration.ofMillis(50))
            .until(() -> predictionsOut(classifier) >= before + 100);
        long rss = 0;
        for (int sample = 0; sample < 5; sample++) {
          rss += classifier.rssKib() / 5;
          Thread.sleep(200);
        }
        System.err.printf("after swap %d (%s): RSS %d KiB, %d scans sent%n", r, version, rss,
            sent.get());
        if (r == WARM_SWAPS) {
          rssAfterFirst = rss;
        }
        rssAfterLast = rss;
      }
      streaming.set(false);
      producer.join();
      traffic.awaitConsumed(APP, Duration.ofMinutes(5));
      assertThat(classifier.metrics()).contains("neurostream_model_swaps_total 10.0");

      // then no scan was lost or duplicated
      List<ConsumerRecord<String, Prediction>> out =
          traffic.predictions(k -> k.startsWith("swap-scan-"));
      assertThat(out).hasSize(sent.get());
      assertThat(out.stream().map(ConsumerRecord::key).distinct()).hasSize(sent.get());
      // and per partition the version never goes back
      Map<Integer, String> last = new HashMap<>();
      for (ConsumerRecord<String, Prediction> p : out) {
        String v = p.value().getModelVersion();
        String previous = last.getOrDefault(p.partition(), version(0));
        assertThat(v).as("partition %d offset %d", p.partition(), p.offset())
            .isGreaterThanOrEqualTo(previous);
        last.put(p.partition(), v);
      }
      assertThat(out).extracting(p -> p.value().getModelVersion()).contains(version(RELEASES));
      // and resident memory after the tenth swap is within 6% of that after the third. A pool of
      // inference threads per model leaked their native per-thread state on every swap (about
      // 11 MiB, 1 % of this process, per swap): seven swaps of that exceed the bound
      assertThat((double) rssAfterLast).isCloseTo(rssAfterFirst, withinPercentage(6));
    }
  }

  private static double predictionsOut(ClassifierProcess classifier) throws Exception {
    return classifier.metrics().lines()
        .filter(l -> l.startsWith("neurostream_predictions_out_total"))
        .mapToDouble(l -> Double.parseDouble(l.substring(l.lastIndexOf(' ') + 1)))
        .findFirst().orElse(0);
  }

  private static void sleep(long ms) {
    try {
      Thread.sleep(ms);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
