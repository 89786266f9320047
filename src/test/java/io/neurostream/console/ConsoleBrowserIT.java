package io.neurostream.console;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.neurostream.avro.ReleaseStatus;
import io.neurostream.avro.ScanEvent;
import io.neurostream.classifier.ClassifierConfig;
import io.neurostream.classifier.ClassifierKeys;
import io.neurostream.classifier.ClassifierService;
import io.neurostream.platform.KafkaStack;
import io.neurostream.classifier.ScanTraffic;
import io.neurostream.classifier.TestReleases;
import io.neurostream.classifier.TinyBundles;
import io.neurostream.config.CommonKeys;
import io.neurostream.config.ConfigSources;
import io.neurostream.config.Configuration;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The console in a real browser (Debian's headless chromium through Selenium) over a real stack:
 * embedded broker and registry, a classifier in this JVM serving tiny real models and following
 * releases, the console. Clicks as a user would, through the page objects of {@link
 * ConsolePages}; a failing test leaves a screenshot under {@code target/selenium/}.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
@Timeout(value = 5, unit = java.util.concurrent.TimeUnit.MINUTES)
class ConsoleBrowserIT {

  static final String TOKEN = "console-it-token";
  static final String APP = "console-browser-it";
  static final String OLD = "console-old";
  static final String NEW = "console-new";

  @RegisterExtension final Browser browser = new Browser();
  private KafkaStack stack;
  private ClassifierService classifier;
  private ConsoleService console;
  private ScanTraffic traffic;

  @BeforeAll
  void start(@TempDir Path dir) throws Exception {
    assumeTrue(Browser.installed(), "needs Debian's chromium and chromium-driver (.ci/run installs "
        + "them: apt-get install -y chromium chromium-driver)");
    stack = KafkaStack.withRegistry().start();
    List<Path> bundles = TinyBundles.write(Files.createDirectories(dir.resolve("bundles")),
        List.of(OLD, NEW));
    try (TestReleases releases = new TestReleases(stack)) {
      Instant t = Instant.now().minusSeconds(60);
      releases.publish(OLD, Files.readAllBytes(bundles.get(0)), ReleaseStatus.PROMOTED,
          io.neurostream.release.ArtifactDigest.sha256(Files.readAllBytes(bundles.get(0))), t);
      releases.publish(NEW, Files.readAllBytes(bundles.get(1)), ReleaseStatus.PROMOTED,
          io.neurostream.release.ArtifactDigest.sha256(Files.readAllBytes(bundles.get(1))),
          t.plusSeconds(1));
    }
    Map<String, String> s = new HashMap<>();
    s.put("bootstrap.servers", stack.bootstrap());
    s.put("schema.registry.url", stack.registryUrl());
    s.put("application.id", APP);
    s.put("metrics.port", "0");
    s.put("model.device", "cpu");
    s.put("state.dir", dir.resolve("state").toString());
    classifier = ClassifierService.start(ClassifierConfig.from(Configuration.load(
            ConfigSources.builder().optEnv(Map.of()).optOverrides(s).build(), new CommonKeys(),
            new ClassifierKeys())), new PrometheusMeterRegistry(PrometheusConfig.DEFAULT));
    await().atMost(Duration.ofMinutes(2)).until(() -> classifier.modelVersion().orElse("")
        .equals(NEW));
    console = ConsoleFixture.start(stack.bootstrap(),
        stack.registryUrl(), TOKEN);
    traffic = new ScanTraffic(stack);
  }

  @AfterAll
  void stop() {
    browser.close();
    for (AutoCloseable c : new AutoCloseable[] {traffic, console, classifier, stack}) {
      try {
        if (c != null) {
          c.close();
        }
      } catch (Exception e) {
        System.err.println("closing " + c + ": " + e);
      }
    }
  }

  @Test
  @Order(1)
  void shouldMoveTheOverviewCountersWhileScansStream() throws Exception {
    ConsolePages.Overview overview = new ConsolePages.Overview(browser, console.url()).open();
    // the classifier announced itself on the status topic, with the model it serves
    browser.await(ConsolePages.WAIT, d -> overview.servedBy("classifier").filter(NEW::equals)
        .isPresent());
    double scansBefore = overview.number("scans-total");
    double predictionsBefore = overview.number("predictions-seen");

    AtomicBoolean streaming = new AtomicBoolean(true);
    Thread producer = new Thread(() -> {
      int i = 0;
      while (streaming.get() && i < 2000) {
        traffic.send(traffic.scan("stream-" + i++));
        if (i % 10 == 0) {
          traffic.flush();
          sleep(100);
        }
      }
      traffic.flush();
    }, "console-it-scans");
    producer.start();
    try {
      browser.await(ConsolePages.WAIT, d -> overview.number("scans-total") >= scansBefore + 50
          && overview.number("predictions-seen") >= predictionsBefore + 50
          && overview.number("scans-rate") > 0
          && overview.number("predictions-rate") > 0
          && overview.number("latency-p50") > 0);
    } finally {
      streaming.set(false);
      producer.join();
    }
  }

  @Test
  @Order(2)
  void shouldShowANewPredictionAndItsSeriesWithTheSliceThumbnail() {
    ConsolePages.Series page = new ConsolePages.Series(browser, console.url()).open();
    ScanEvent scan = traffic.scan("fresh-scan-1");
    scan.getIdentity().setSeriesInstanceUid("1.2.826.0.1.3680043.99.7");
    traffic.send(scan);
    traffic.flush();

    String predicted = page.awaitPrediction("fresh-scan-1");

    assertThat(predicted).matches("Non_Demented|Very_Mild_Demented|Mild_Demented|Moderate_Demented");
    assertThat(page.openSeries("1.2.826.0.1.3680043.99.7")).containsExactly("fresh-scan-1");
    // the slice's thumbnail, read back from mri.scans by the console, loads in the detail view
    Map<String, Long> thumbnails = browser.await(ConsolePages.WAIT,
        d -> page.loadedThumbnails().isEmpty() ? null : page.loadedThumbnails());
    assertThat(thumbnails).containsOnlyKeys("fresh-scan-1").containsValue(64L);
  }

  @Test
  @Order(3)
  void shouldShowTheSeriesVerdictAndItsGradCamOverlayWhenTheVerdictServicePublishesThem()
      throws Exception {
    // given the verdict service's verdict for the fresh scan's series, and the slice's Grad-CAM
    String series = "1.2.826.0.1.3680043.99.7";
    java.awt.image.BufferedImage image =
        new java.awt.image.BufferedImage(8, 8, java.awt.image.BufferedImage.TYPE_INT_RGB);
    java.io.ByteArrayOutputStream png = new java.io.ByteArrayOutputStream();
    javax.imageio.ImageIO.write(image, "png", png);
    try (VerdictSeed seed = new VerdictSeed(stack)) {
      seed.verdict(series, "fresh-scan-1");
      seed.explanation("fresh-scan-1", series, png.toByteArray());
    }

    // when the user opens the series
    ConsolePages.Series page = new ConsolePages.Series(browser, console.url()).open();
    browser.await(ConsolePages.WAIT, d -> ConsolePages.text(browser,
        "#series tr[data-series='" + series + "'] td.verdict").startsWith("Mild_Demented"));
    page.openSeries(series);

    // then its verdict and the overlay of its supporting slice are shown
    assertThat(ConsolePages.text(browser, "#series-verdict")).contains("Verdict: Mild_Demented")
        .contains("confidence 0.7").contains("COMPLETE");
    String src = browser.await(ConsolePages.WAIT, d -> d.findElement(
        org.openqa.selenium.By.cssSelector("#explanations img")).getAttribute("src"));
    assertThat(src).endsWith("/api/explanations/fresh-scan-1");
    assertThat((Boolean) ((org.openqa.selenium.JavascriptExecutor) browser.driver()).executeScript(
        "const i = document.querySelector('#explanations img'); return i.complete && i.naturalWidth > 0;"))
        .as("the overlay image loaded").isTrue();
  }

  @Test
  @Order(4)
  void shouldRefuseARollbackWithAWrongToken() {
    ConsolePages.Releases page = new ConsolePages.Releases(browser, console.url()).open();

    page.rollBackTo(OLD, "not-the-token", "test");

    assertThat(page.result()).contains("refused (401)").contains("wrong");
    assertThat(classifier.modelVersion()).contains(NEW);
  }

  @Test
  @Order(5)
  void shouldMakeTheClassifierServeTheOldVersionWhenARollbackIsClicked() {
    ConsolePages.Releases page = new ConsolePages.Releases(browser, console.url()).open();
    assertThat(page.status(NEW)).startsWith("PROMOTED (served)");

    page.rollBackTo(OLD, TOKEN, "browser test");

    assertThat(page.result()).contains("Rollback published").contains(OLD + " PROMOTED")
        .contains(NEW + " ROLLED_BACK");
    await().atMost(Duration.ofMinutes(2)).until(() -> classifier.modelVersion().orElse("")
        .equals(OLD));
    browser.await(ConsolePages.WAIT, d -> page.status(NEW).equals("ROLLED_BACK")
        && page.status(OLD).startsWith("PROMOTED (served)"));
    ConsolePages.Overview overview = new ConsolePages.Overview(browser, console.url()).open();
    browser.await(ConsolePages.WAIT, d -> overview.servedBy("classifier").filter(OLD::equals)
        .isPresent());
  }

  @Test
  @Order(6)
  void shouldShowAPoisonedRecordAndReportItsReplay() {
    ConsolePages.DeadLetters page = new ConsolePages.DeadLetters(browser, console.url()).open();
    traffic.send("poison-1", "not an avro record".getBytes(StandardCharsets.UTF_8));
    traffic.flush();

    String id = page.awaitDeadLetter("poison-1");
    assertThat(page.stageOf(id)).isEqualTo("DESERIALIZE");
    assertThat(page.reasonOf(id)).isNotBlank();
    assertThat(page.openDetail(id)).isNotBlank();

    page.replay(id, TOKEN);

    assertThat(page.result()).contains("Replayed 1, failed 0")
        .containsPattern(id + ": replayed to mri\\.scans-\\d+@\\d+");
    assertThat(page.replaysOf(id)).startsWith("replayed to mri.scans-");
    // the replayed record went through the classifier again, and is dead-lettered again
    browser.await(ConsolePages.WAIT, d -> !id.equals(page.awaitDeadLetter("poison-1")));
  }

  @Test
  @Order(7)
  void shouldRefuseAReplayWithAWrongToken() {
    ConsolePages.DeadLetters page = new ConsolePages.DeadLetters(browser, console.url()).open();
    String id = page.awaitDeadLetter("poison-1");

    page.replay(id, "wrong");

    assertThat(page.result()).contains("Replay refused (401)");
  }

  private static void sleep(long ms) {
    try {
      Thread.sleep(ms);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
