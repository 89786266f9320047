package io.neurostream.console;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.neurostream.avro.ReleaseStatus;
import io.neurostream.avro.ScanEvent;
import io.neurostream.classifier.ScanTraffic;
import io.neurostream.imaging.GrayImage;
import io.neurostream.platform.KafkaStack;
import io.neurostream.classifier.TestReleases;
import java.awt.image.BufferedImage;
import java.awt.image.Raster;
import java.io.ByteArrayInputStream;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Iterator;
import java.util.Random;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.apache.kafka.clients.producer.RecordMetadata;
import javax.imageio.ImageIO;

/**
 * The console's HTTP API against the embedded broker and registry: the OpenAPI document and the
 * routes served agree both ways, and rollback and replay refuse without the admin token (and
 * change nothing), or when the console has none configured; a slice's thumbnail is read back
 * from mri.scans and resembles the slice.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@Timeout(value = 3, unit = TimeUnit.MINUTES)
class ConsoleApiIT {

  static final String TOKEN = "api-it-token";
  private static final ObjectMapper JSON = new ObjectMapper();
  private KafkaStack stack;
  private ConsoleService console;
  private ConsoleService readOnly;
  private String registryUrl;

  @BeforeAll
  void start(@TempDir Path dir) {
    stack = KafkaStack.withRegistry().start();
    registryUrl = stack.registryUrl();
    console = ConsoleFixture.start(stack.bootstrap(), registryUrl, TOKEN);
    readOnly = ConsoleFixture.start(stack.bootstrap(), registryUrl, null);
  }

  @AfterAll
  void stop() {
    for (AutoCloseable c : new AutoCloseable[] {console, readOnly, stack}) {
      try {
        if (c != null) {
          c.close();
        }
      } catch (Exception e) {
        System.err.println("closing: " + e);
      }
    }
  }

  @Test
  void shouldDocumentEveryRouteItServesAndServeEveryRouteDocumentedForIt() throws Exception {
    // given the document the console serves
    HttpResponse<String> doc = ConsoleFixture.get(console, "/openapi.json");
    assertThat(doc.statusCode()).isEqualTo(200);
    JsonNode openapi = JSON.readTree(doc.body());
    assertThat(openapi.path("openapi").asText()).startsWith("3.");

    // when the routes documented for the console are compared with those it serves
    Set<String> documented = OpenApiRoutes.of(openapi, "console");
    Set<String> served = new TreeSet<>(console.routes());

    // then they are the same, both ways
    assertThat(served).as("served but not in /openapi.json").isSubsetOf(documented);
    assertThat(documented).as("in /openapi.json but not served").isSubsetOf(served);
    // and every documented GET without parameters answers (no 404 and no 405)
    for (String route : documented) {
      if (route.startsWith("GET ") && !route.contains("{") && !route.equals("GET /api/events")) {
        assertThat(ConsoleFixture.get(console, route.substring(4)).statusCode()).as(route)
            .isIn(200, 503);
      }
    }
  }

  @Test
  void shouldAnswerUnknownPathsAndWrongMethodsWithJsonErrors() throws Exception {
    HttpResponse<String> missing = ConsoleFixture.get(console, "/api/no-such-thing");
    assertThat(missing.statusCode()).isEqualTo(404);
    assertThat(JSON.readTree(missing.body()).path("error").asText()).contains("/openapi.json");

    HttpResponse<String> wrong = ConsoleFixture.get(console, "/api/dead-letters/replay");
    assertThat(wrong.statusCode()).isIn(400, 404, 405);
  }

  @Test
  void shouldRefuseARollbackWithoutTheAdminTokenAndPublishNothing() throws Exception {
    // given two releases, the newer served
    try (TestReleases releases = new TestReleases(stack)) {
      Instant t = Instant.now();
      releases.publish(TestReleases.release("api-a", "file:///nowhere/a.bundle", 1, "00",
          ReleaseStatus.PROMOTED, t));
      releases.publish(TestReleases.release("api-b", "file:///nowhere/b.bundle", 1, "00",
          ReleaseStatus.PROMOTED, t.plusMillis(10)));
    }
    await().atMost(Duration.ofSeconds(30)).until(() -> releaseCount(console) >= 2);
    int before = releaseCount(console);
    String body = "{\"confirm\":\"api-a\",\"reason\":\"test\"}";

    // when rollback is asked without a token, with a wrong one, and of a console without one
    HttpResponse<String> none = ConsoleFixture.post(console, "/api/releases/api-a/rollback", body,
        null);
    HttpResponse<String> wrong = ConsoleFixture.post(console, "/api/releases/api-a/rollback", body,
        "Bearer nope");
    HttpResponse<String> disabled = ConsoleFixture.post(readOnly, "/api/releases/api-a/rollback",
        body, "Bearer " + TOKEN);
    HttpResponse<String> unconfirmed = ConsoleFixture.post(console,
        "/api/releases/api-a/rollback", "{\"reason\":\"test\"}", "Bearer " + TOKEN);

    // then each is refused, saying what to do, and nothing was published
    assertThat(none.statusCode()).isEqualTo(401);
    assertThat(error(none)).contains("Authorization: Bearer");
    assertThat(wrong.statusCode()).isEqualTo(401);
    assertThat(disabled.statusCode()).isEqualTo(403);
    assertThat(error(disabled)).contains("console.admin.token");
    assertThat(unconfirmed.statusCode()).isEqualTo(400);
    assertThat(error(unconfirmed)).contains("confirm");
    // a record published by mistake would be read within this
    await().during(Duration.ofMillis(1500)).atMost(Duration.ofSeconds(5))
        .until(() -> releaseCount(console) == before);
  }

  @Test
  void shouldRefuseAReplayWithoutTheAdminTokenAndSendNothing() throws Exception {
    // given a dead letter
    try (DeadLetterSeed seed = new DeadLetterSeed(stack)) {
      seed.deadLetter("api-poison", "garbage".getBytes(StandardCharsets.UTF_8));
      await().atMost(Duration.ofSeconds(30)).until(() -> deadLetterIds(console).hasNext());
      String id = deadLetterIds(console).next().asText();
      long scansBefore = seed.scansEndOffset();
      String body = "{\"ids\":[\"" + id + "\"]}";

      // when replay is asked without a token, with a wrong one, and of a console without one
      HttpResponse<String> none = ConsoleFixture.post(console, "/api/dead-letters/replay", body,
          null);
      HttpResponse<String> wrong = ConsoleFixture.post(console, "/api/dead-letters/replay", body,
          "Bearer nope");
      HttpResponse<String> disabled = ConsoleFixture.post(readOnly, "/api/dead-letters/replay",
          body, "Bearer " + TOKEN);

      // then each is refused and nothing reached the scans topic
      assertThat(none.statusCode()).isEqualTo(401);
      assertThat(wrong.statusCode()).isEqualTo(401);
      assertThat(disabled.statusCode()).isEqualTo(403);
      assertThat(seed.scansEndOffset()).isEqualTo(scansBefore);

      // and with the token it is replayed, and the outcome says where to
      HttpResponse<String> ok = ConsoleFixture.post(console, "/api/dead-letters/replay", body,
          "Bearer " + TOKEN);
      assertThat(ok.statusCode()).isEqualTo(200);
      JsonNode outcome = JSON.readTree(ok.body()).path("outcomes").get(0);
      assertThat(outcome.path("replayed").asBoolean()).isTrue();
      assertThat(outcome.path("target").asText()).startsWith("mri.scans-");
      assertThat(seed.scansEndOffset()).isEqualTo(scansBefore + 1);
      assertThat(seed.lastReplayedValue()).isEqualTo("garbage".getBytes(StandardCharsets.UTF_8));
    }
  }

  @Test
  void shouldShowASeriesWithItsVerdictAndServeItsGradCamOverlay() throws Exception {
    // given a slice prediction, the verdict of its series and the Grad-CAM of the slice
    String series = "1.2.826.0.1.3680043.77.1";
    byte[] png = new byte[] {(byte) 0x89, 'P', 'N', 'G', 13, 10, 26, 10, 1, 2, 3};
    try (VerdictSeed seed = new VerdictSeed(stack)) {
      seed.prediction("verdict-slice-1", series);
      seed.verdict(series, "verdict-slice-1");
      seed.explanation("verdict-slice-1", series, png);
    }

    // when the series list and the overlay are asked for
    await().atMost(Duration.ofSeconds(30)).until(() -> JSON.readTree(
        ConsoleFixture.get(console, "/api/series").body()).path("series").findValues("verdict")
        .stream().anyMatch(v -> v.path("verdict").asText().equals("Mild_Demented")));
    JsonNode list = JSON.readTree(ConsoleFixture.get(console, "/api/series").body());
    await().atMost(Duration.ofSeconds(30)).until(() ->
        ConsoleFixture.get(console, "/api/explanations/verdict-slice-1").statusCode() == 200);
    HttpResponse<byte[]> overlay = ConsoleFixture.getBytes(console,
        "/api/explanations/verdict-slice-1");
    JsonNode detail = JSON.readTree(ConsoleFixture.get(console, "/api/series/" + series).body());

    // then the verdict, its figures and the overlay are the ones published
    assertThat(list.path("verdicts").asText()).contains("mri.series-verdicts");
    assertThat(detail.path("verdict").path("confidence").asDouble()).isEqualTo(0.7);
    assertThat(detail.path("verdict").path("closedBy").asText()).isEqualTo("COMPLETE");
    assertThat(detail.path("explanations").get(0).path("overlay").asText())
        .isEqualTo("/api/explanations/verdict-slice-1");
    assertThat(overlay.headers().firstValue("Content-Type")).contains("image/png");
    assertThat(overlay.body()).isEqualTo(png);
    assertThat(ConsoleFixture.get(console, "/api/explanations/nope").statusCode()).isEqualTo(404);
  }

  @Test
  void shouldServeAThumbnailOfASliceReadBackFromTheScansTopic() throws Exception {
    // given a 64x48 slice on mri.scans, bright on the left and dark on the right, and its prediction
    long randomSeed = 1414;
    System.out.println("thumbnail slice seed " + randomSeed);
    Random random = new Random(randomSeed);
    float[] px = new float[64 * 48];
    for (int i = 0; i < px.length; i++) {
      px[i] = (float) Math.max(0, Math.min(1, (i % 64 < 32 ? 0.8 : 0.2)
          + 0.05 * random.nextGaussian()));
    }
    GrayImage slice = new GrayImage(64, 48, px);
    String series = "1.2.826.0.1.3680043.77.2";
    try (VerdictSeed seed = new VerdictSeed(stack); ScanTraffic scans = new ScanTraffic(stack)) {
      ScanEvent scan = scans.scan("thumb-slice-1");
      scan.getIdentity().setSeriesInstanceUid(series);
      scan.setWidth(64);
      scan.setHeight(48);
      scan.setImage(ByteBuffer.wrap(slice.toPng()));
      RecordMetadata at = seed.scan(scan);
      seed.prediction("thumb-slice-1", series, at.partition(), at.offset());
      seed.prediction("thumb-no-offset", series, null, null);
      seed.prediction("thumb-gone", series, at.partition(), at.offset() + 1000);
    }
    String base = "/api/series/" + series + "/slices/";
    await().atMost(Duration.ofSeconds(30)).until(() -> JSON.readTree(ConsoleFixture.get(console,
        "/api/series/" + series).body()).path("slicePredictions").size() == 3);

    // when its thumbnail is asked for, 32 pixels on the longer side
    HttpResponse<byte[]> thumb = ConsoleFixture.getBytes(console,
        base + "thumb-slice-1/thumbnail.png?size=32");

    // then it is a 32x24 PNG of the slice: same mean intensity, bright left, dark right
    assertThat(thumb.statusCode()).isEqualTo(200);
    assertThat(thumb.headers().firstValue("Content-Type")).contains("image/png");
    BufferedImage png = ImageIO.read(new ByteArrayInputStream(thumb.body()));
    assertThat(png.getWidth()).isEqualTo(32);
    assertThat(png.getHeight()).isEqualTo(24);
    Raster r = png.getRaster();
    double left = mean(r, 0, 16);
    double right = mean(r, 16, 32);
    assertThat((left + right) / 2).isCloseTo(mean(slice.toU8()), within(2.0));
    assertThat(left).isCloseTo(0.8 * 255, within(6.0));
    assertThat(right).isCloseTo(0.2 * 255, within(6.0));
    // the default size, and a size out of bounds clamped to 256
    assertThat(ImageIO.read(new ByteArrayInputStream(ConsoleFixture.getBytes(console,
        base + "thumb-slice-1/thumbnail.png").body())).getWidth()).isEqualTo(96);
    assertThat(ImageIO.read(new ByteArrayInputStream(ConsoleFixture.getBytes(console,
        base + "thumb-slice-1/thumbnail.png?size=100000").body())).getWidth()).isEqualTo(256);

    // and unknown slices, predictions without a scan position and vanished scans are 404s that say why
    HttpResponse<String> unknown = ConsoleFixture.get(console, base + "nope/thumbnail.png");
    assertThat(unknown.statusCode()).isEqualTo(404);
    assertThat(error(unknown)).contains("no recent prediction of slice nope");
    HttpResponse<String> noOffset = ConsoleFixture.get(console,
        base + "thumb-no-offset/thumbnail.png");
    assertThat(noOffset.statusCode()).isEqualTo(404);
    assertThat(error(noOffset)).contains("does not say where its scan is");
    HttpResponse<String> gone = ConsoleFixture.get(console, base + "thumb-gone/thumbnail.png");
    assertThat(gone.statusCode()).isEqualTo(404);
    assertThat(error(gone)).contains("no longer on mri.scans");
    assertThat(ConsoleFixture.get(console, base + "thumb-slice-1/thumbnail.png?size=big")
        .statusCode()).isEqualTo(400);
  }

  private static double mean(Raster r, int fromX, int toX) {
    long sum = 0;
    for (int y = 0; y < r.getHeight(); y++) {
      for (int x = fromX; x < toX; x++) {
        sum += r.getSample(x, y, 0);
      }
    }
    return (double) sum / ((toX - fromX) * r.getHeight());
  }

  private static double mean(byte[] u8) {
    long sum = 0;
    for (byte b : u8) {
      sum += b & 0xff;
    }
    return (double) sum / u8.length;
  }

  private static int releaseCount(ConsoleService c) throws Exception {
    return JSON.readTree(ConsoleFixture.get(c, "/api/releases").body()).path("history").size();
  }

  private static Iterator<JsonNode> deadLetterIds(ConsoleService c) throws Exception {
    return JSON.readTree(ConsoleFixture.get(c, "/api/dead-letters").body()).path("deadLetters")
        .findValues("id").iterator();
  }

  private static String error(HttpResponse<String> r) throws Exception {
    return JSON.readTree(r.body()).path("error").asText();
  }
}
