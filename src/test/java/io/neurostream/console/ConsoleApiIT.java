package io.neurostream.console;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.neurostream.avro.ReleaseStatus;
import io.neurostream.platform.KafkaStack;
import io.neurostream.classifier.TestReleases;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Iterator;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The console's HTTP API against the embedded broker and registry: the OpenAPI document and the
 * routes served agree both ways, and rollback and replay refuse without the admin token (and
 * change nothing), or when the console has none configured.
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
