package io.neurostream.classifier;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.neurostream.avro.ReleaseStatus;
import io.neurostream.platform.KafkaStack;
import io.neurostream.platform.registry.EmbeddedSchemaRegistry;
import java.net.ServerSocket;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.OptionalInt;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 13 A and C as an operator meets them, with {@code neurostream classifier} in a child JVM:
 * a registry that is unreachable at start makes {@code /live} fail after the liveness deadline and
 * is recovered from by itself once it comes up; an unwritable {@code --state-dir} ends the process
 * at once with one line naming the flag, instead of retrying for ever with {@code /live} 200.
 */
@Timeout(value = 8, unit = TimeUnit.MINUTES)
class StartupFaultsIT {

  @RegisterExtension static final KafkaStack stack = KafkaStack.withRegistry();
  @TempDir static Path dir;
  static TestReleases releases;
  static final Path LOG = Path.of("target", "it-logs", "startup-faults-it.log");

  @BeforeAll
  static void start() throws Exception {
    Files.createDirectories(LOG.getParent());
    Files.deleteIfExists(LOG);
    releases = new TestReleases(stack);
  }

  @AfterAll
  static void stop() {
    releases.close();
  }

  @Test
  void shouldFailLivenessWhileTheRegistryIsAwayAndServeTheReleaseOnceItIsBack() throws Exception {
    // given a published release, and a registry address with nothing behind it yet
    Path bundle = TinyBundles.write(dir.resolve("late-registry.bundle"), "late-registry-1");
    releases.publish("late-registry-1", Files.readAllBytes(bundle), ReleaseStatus.PROMOTED);
    int port;
    try (ServerSocket reserved = new ServerSocket(0)) {
      port = reserved.getLocalPort();
    }

    // when a classifier starts against it, without --model
    try (ClassifierProcess p = ClassifierProcess.start(LOG, List.of("-Xmx768m"), List.of(
        "--bootstrap", stack.bootstrap(),
        "--registry", "http://127.0.0.1:" + port,
        "--application-id", "startup-faults-registry",
        "--state-dir", dir.resolve("state-a").toString(),
        "--set", "liveness.deadline.ms=5000",
        "--set", "max.retries=0"))) {
      // then /live turns 503 naming the blocked release follower once the deadline has passed
      await().atMost(Duration.ofMinutes(2)).pollInterval(Duration.ofMillis(500)).until(() -> {
        HttpResponse<String> live = p.live();
        return live != null && live.statusCode() == 503;
      });
      String body = p.live().body();
      System.err.println("/live while the registry is away: " + body.strip());
      assertThat(body).contains("release-follower blocked for").contains("127.0.0.1:" + port)
          .contains("liveness deadline 5 s");

      // and when the registry comes up, the classifier serves the release by itself
      long t0 = System.nanoTime();
      try (EmbeddedSchemaRegistry late = EmbeddedSchemaRegistry.start(port, stack.bootstrap())) {
        p.awaitReady(Duration.ofMinutes(3));
        System.err.printf("ready %d ms after the registry came up%n",
            Duration.ofNanos(System.nanoTime() - t0).toMillis());
        assertThat(p.servedVersion()).isEqualTo("late-registry-1");
        assertThat(p.live().statusCode()).as(p.live().body()).isEqualTo(200);
      }
    }
  }

  @Test
  void shouldExitAtOnceNamingTheStateDirFlagWhenTheStateDirIsNotWritable() throws Exception {
    // given a state dir below a regular file: unwritable for every user, root included
    Path file = Files.writeString(dir.resolve("a-file"), "x");
    Path state = file.resolve("state");

    // when a classifier starts with it and no --model
    long t0 = System.nanoTime();
    try (ClassifierProcess p = ClassifierProcess.start(LOG, List.of("-Xmx768m"), List.of(
        "--bootstrap", stack.bootstrap(),
        "--registry", stack.registryUrl(),
        "--application-id", "startup-faults-state",
        "--state-dir", state.toString()))) {
      // then it exits non-zero with one line naming the flag
      OptionalInt code = p.awaitExit(Duration.ofMinutes(2));
      System.err.printf("exited with %s after %d ms%n", code,
          Duration.ofNanos(System.nanoTime() - t0).toMillis());
      assertThat(code).as("exit code").hasValue(1);
      assertThat(Files.readString(LOG)).contains("neurostream classifier: " + state
          + " is not a writable directory (").contains("set --state-dir (state.dir, "
          + "NEUROSTREAM_STATE_DIR) to a writable directory");
    }
  }
}
