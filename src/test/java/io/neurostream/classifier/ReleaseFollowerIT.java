package io.neurostream.classifier;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.neurostream.avro.ModelRelease;
import io.neurostream.avro.ReleaseStatus;
import io.neurostream.imaging.GrayImage;
import io.neurostream.kafka.Topics;
import io.neurostream.model.ClassProbabilities;
import io.neurostream.ops.Watchdog;
import io.neurostream.platform.registry.EmbeddedSchemaRegistry;
import java.net.ServerSocket;
import io.neurostream.platform.KafkaStack;
import io.neurostream.release.ArtifactDigest;
import io.neurostream.release.ArtifactException;
import io.neurostream.release.ArtifactStores;
import io.neurostream.release.KafkaArtifactStore;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

@Timeout(value = 6, unit = TimeUnit.MINUTES)
class ReleaseFollowerIT {

  @TempDir static Path dir;
  @RegisterExtension static final KafkaStack stack = KafkaStack.withRegistry();
  static TestReleases releases;

  @BeforeAll
  static void start() {
    releases = new TestReleases(stack);
  }

  @AfterAll
  static void stop() {
    releases.close();
  }

  /** A loader whose "model" is the artifact's text; artifacts starting with "broken" fail. */
  static ScanModel load(Path artifact, String version) throws Exception {
    String text = new String(Files.readAllBytes(artifact), StandardCharsets.ISO_8859_1);
    if (text.startsWith("broken")) {
      throw new IllegalArgumentException("not a bundle");
    }
    return new ScanModel() {
      @Override
      public String version() {
        return version;
      }

      @Override
      public List<ClassProbabilities> predict(List<GrayImage> images) {
        return List.of();
      }

      @Override
      public void close() {}
    };
  }

  private ReleaseFollower follower(ModelHolder holder, ClassifierMetrics metrics,
      Optional<String> pin) {
    return follower(holder, metrics, pin, stack.serdeConfig(), new Watchdog(Duration.ofMinutes(2)));
  }

  private ReleaseFollower follower(ModelHolder holder, ClassifierMetrics metrics,
      Optional<String> pin, Map<String, Object> serdeConfig, Watchdog watchdog) {
    return new ReleaseFollower(Topics.MODEL_RELEASES.name(), stack.client(),
        Topics.MODEL_RELEASES.valueSerde(serdeConfig).deserializer(),
        new ArtifactStores(stack.client(), Duration.ofSeconds(30)),
        ReleaseFollowerIT::load, holder, metrics, pin, dir.resolve("work"), watchdog);
  }

  @Test
  void shouldReadReleasesAgainWhenTheRegistryComesBackAndFailLivenessWhileItIsAway()
      throws Exception {
    // given a promoted release, and a classifier whose registry is not there yet (issue 13 A)
    releases.publish("reg-1", artifact("model-reg", 700), ReleaseStatus.PROMOTED);
    int port;
    try (ServerSocket reserved = new ServerSocket(0)) {
      port = reserved.getLocalPort();
    }
    Map<String, Object> serde = Map.of("schema.registry.url", "http://127.0.0.1:" + port,
        "max.retries", 0, "http.connect.timeout.ms", 500);
    ModelHolder holder = new ModelHolder();
    ClassifierMetrics metrics = ClassifierMetrics.discarding();
    Watchdog watchdog = new Watchdog(Duration.ofSeconds(2));
    try (ReleaseFollower follower =
        follower(holder, metrics, Optional.of("reg-1"), serde, watchdog).start()) {
      // then the release is not dropped: liveness turns false once the deadline has passed
      await().atMost(Duration.ofSeconds(30)).until(() -> !watchdog.check().ok());
      assertThat(watchdog.check().detail()).contains("release-follower blocked")
          .contains("127.0.0.1:" + port);
      assertThat(holder.version()).isEmpty();

      // when the registry becomes reachable
      try (EmbeddedSchemaRegistry late = EmbeddedSchemaRegistry.start(port, stack.bootstrap())) {
        // then the follower reads the release, serves it, and is alive again by itself
        await().atMost(Duration.ofSeconds(60))
            .until(() -> holder.version().equals(Optional.of("reg-1")));
        assertThat(watchdog.check().ok()).as(watchdog.check().detail()).isTrue();
        assertThat(refused(metrics, "UNDECODABLE_RELEASE")).isZero();
      }
    }
  }

  private static byte[] artifact(String text, int size) {
    byte[] b = new byte[size];
    new Random(size).nextBytes(b);
    byte[] t = text.getBytes(StandardCharsets.UTF_8);
    System.arraycopy(t, 0, b, 0, t.length);
    return b;
  }

  @Test
  void shouldFetchAChunkedArtifactAndRefuseOneThatFailsVerification() throws Exception {
    // given an artifact larger than one chunk
    byte[] bytes = artifact("model-a", 9 * 1024 * 1024);
    ModelRelease good = releases.publish("store-a", bytes, ReleaseStatus.PROMOTED);
    ArtifactStores store = new ArtifactStores(stack.client(), Duration.ofSeconds(30));

    // then it is reassembled byte for byte
    Path fetched = store.fetch(good, dir.resolve("fetch"));
    assertThat(Files.readAllBytes(fetched)).isEqualTo(bytes);

    // and a release announcing another digest or size is refused
    ModelRelease wrongSha = ModelRelease.newBuilder(good).setArtifactSha256("ab".repeat(32)).build();
    assertThatThrownBy(() -> store.fetch(wrongSha, dir.resolve("fetch")))
        .isInstanceOfSatisfying(ArtifactException.class,
            e -> assertThat(e.reason()).isEqualTo(ArtifactException.Reason.SHA256_MISMATCH));
    ModelRelease wrongSize = ModelRelease.newBuilder(good).setArtifactSize(12L).build();
    assertThatThrownBy(() -> store.fetch(wrongSize, dir.resolve("fetch")))
        .isInstanceOfSatisfying(ArtifactException.class,
            e -> assertThat(e.reason()).isEqualTo(ArtifactException.Reason.SIZE_MISMATCH));
    ModelRelease missing = ModelRelease.newBuilder(good).setVersion("never-published")
        .setArtifactUri(KafkaArtifactStore.uri(Topics.MODEL_ARTIFACTS.name(), "never-published"))
        .build();
    assertThatThrownBy(() -> store.fetch(missing, dir.resolve("fetch")))
        .isInstanceOfSatisfying(ArtifactException.class,
            e -> assertThat(e.reason()).isEqualTo(ArtifactException.Reason.NOT_FOUND));
  }

  @Test
  void shouldRetryAReleaseWhoseArtifactIsNotThereYetAndServeItOnceItIs() throws Exception {
    // given a promoted release whose artifact has not arrived on the shared volume yet
    ModelHolder holder = new ModelHolder();
    ClassifierMetrics metrics = ClassifierMetrics.discarding();
    byte[] bytes = artifact("model-late", 2000);
    Path file = dir.resolve("shared").resolve("late.bundle");
    ModelRelease late = TestReleases.release("late-1", file.toUri().toString(), bytes.length,
        ArtifactDigest.sha256(bytes), ReleaseStatus.PROMOTED, Instant.now());
    releases.publish(late);
    try (ReleaseFollower follower = follower(holder, metrics, Optional.empty()).start()) {
      assertThat(follower.awaitCaughtUp(Duration.ofSeconds(60))).isTrue();
      await().atMost(Duration.ofSeconds(30)).until(() -> refused(metrics, "NOT_FOUND") >= 1);
      assertThat(holder.version()).isNotEqualTo(Optional.of("late-1"));

      // when it arrives, without any new release record
      Files.createDirectories(file.getParent());
      Files.write(file, bytes);

      // then a retry serves it
      await().atMost(ReleaseFollower.RETRY_FIRST.multipliedBy(6))
          .until(() -> holder.version().equals(Optional.of("late-1")));
    } finally {
      // later tests on this topic must not see it as the newest promotion
      releases.publish(ModelRelease.newBuilder(late).setStatus(ReleaseStatus.ROLLED_BACK)
          .setCreatedAt(Instant.now()).build());
    }
  }

  @Test
  void shouldFollowPromotionsRefuseBadReleasesAndHonourRollbacks() throws Exception {
    ModelHolder holder = new ModelHolder();
    ClassifierMetrics metrics = ClassifierMetrics.discarding();
    releases.publish("f1", artifact("model-1", 1000), ReleaseStatus.PROMOTED);
    try (ReleaseFollower follower = follower(holder, metrics, Optional.empty()).start()) {
      // the newest promoted release on the topic is served once caught up
      assertThat(follower.awaitCaughtUp(Duration.ofSeconds(60))).isTrue();
      await().atMost(Duration.ofSeconds(30)).until(() -> holder.version().isPresent());
      String first = holder.version().orElseThrow();

      // a new promotion is swapped in
      ModelRelease f2 = releases.publish("f2", artifact("model-2", 1000), ReleaseStatus.PROMOTED);
      await().atMost(Duration.ofSeconds(30)).until(() -> holder.version().equals(Optional.of("f2")));

      // a rejected release and one that does not load are not served, and the refusal counts
      releases.publish("f3", artifact("model-3", 1000), ReleaseStatus.REJECTED);
      releases.publish("f4", artifact("broken-4", 1000), ReleaseStatus.PROMOTED);
      await().atMost(Duration.ofSeconds(30)).until(() -> refused(metrics, "LOAD_FAILED") == 1);
      // a corrupt artifact (digest differs from the release) is refused as well
      byte[] corrupt = artifact("model-5", 1000);
      releases.publish("f5", corrupt, ReleaseStatus.PROMOTED, "00".repeat(32), Instant.now());
      await().atMost(Duration.ofSeconds(30)).until(() -> refused(metrics, "SHA256_MISMATCH") == 1);
      assertThat(holder.version()).contains("f2");

      // a rollback of f2 brings back the previous promoted one
      releases.publish(ModelRelease.newBuilder(f2).setStatus(ReleaseStatus.ROLLED_BACK)
          .setCreatedAt(Instant.now()).build());
      await().atMost(Duration.ofSeconds(30)).until(() -> holder.version().equals(Optional.of(first)));
    }
  }

  @Test
  void shouldServeOnlyThePinnedVersion() throws Exception {
    releases.publish("p1", artifact("model-p1", 500), ReleaseStatus.PROMOTED);
    ModelHolder pinned = new ModelHolder();
    ModelHolder following = new ModelHolder();
    try (ReleaseFollower a = follower(pinned, ClassifierMetrics.discarding(), Optional.of("p1"));
        ReleaseFollower b = follower(following, ClassifierMetrics.discarding(), Optional.empty())) {
      a.start();
      b.start();
      assertThat(a.awaitCaughtUp(Duration.ofSeconds(60))).isTrue();
      assertThat(pinned.version()).contains("p1");
      releases.publish("p2", artifact("model-p2", 500), ReleaseStatus.PROMOTED);
      // once a following instance has swapped to p2, the pinned one still serves p1
      await().atMost(Duration.ofSeconds(30))
          .until(() -> following.version().equals(Optional.of("p2")));
      assertThat(pinned.version()).contains("p1");
    }
  }

  private static double refused(ClassifierMetrics metrics, String reason) {
    var c = metrics.registry().find("neurostream.releases.refused").tag("reason", reason).counter();
    return c == null ? 0 : c.count();
  }
}
