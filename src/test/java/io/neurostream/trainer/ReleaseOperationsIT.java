package io.neurostream.trainer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.neurostream.avro.ModelRelease;
import io.neurostream.avro.ReleaseStatus;
import io.neurostream.kafka.Topics;
import io.neurostream.model.ModelBundle;
import io.neurostream.platform.KafkaStack;
import io.neurostream.release.ArtifactException;
import io.neurostream.release.ArtifactStores;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** Releases through a real broker and registry: one stack for the class, a fresh history per test. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@Timeout(value = 8, unit = TimeUnit.MINUTES)
class ReleaseOperationsIT {

  @TempDir Path dir;
  @RegisterExtension static final KafkaStack stack = KafkaStack.withRegistry();
  private Path v1;
  private Path v2;
  private Path v3;

  @BeforeAll
  void startStack(@TempDir Path stackDir) {
  }

  @AfterAll
  void stopStack() {
  }

  private ReleaseOperations operations(String prefix) throws Exception {
    // each test keeps its own versions apart by prefix; the topic is shared
    v1 = TestStack.randomBundle(dir, prefix + "-v1", 1);
    v2 = TestStack.randomBundle(dir, prefix + "-v2", 2);
    v3 = TestStack.randomBundle(dir, prefix + "-v3", 3);
    return new ReleaseOperations(TestStack.trainerConfig(stack, dir.resolve("state"), Map.of()));
  }

  @Test
  void shouldPublishExportAndRollBackSoThatTheChosenVersionIsServed() throws Exception {
    try (ReleaseOperations ops = operations("a")) {
      // given two promoted releases
      ops.publish(v1, ReleaseStatus.PROMOTED, "first");
      ops.publish(v2, ReleaseStatus.PROMOTED, "second");
      assertThat(ops.history().served()).map(ModelRelease::getVersion).hasValue("a-v2");

      // when an operator rolls back to the first
      var records = ops.rollback("a-v1", "v2 misses mild cases", false);

      // then v2 is recorded as rolled back and v1 is served again
      assertThat(records).extracting(ModelRelease::getVersion, ModelRelease::getStatus)
          .containsExactly(org.assertj.core.groups.Tuple.tuple("a-v2", ReleaseStatus.ROLLED_BACK),
              org.assertj.core.groups.Tuple.tuple("a-v1", ReleaseStatus.PROMOTED));
      ReleaseHistory history = ops.history();
      assertThat(history.served()).map(ModelRelease::getVersion).hasValue("a-v1");
      assertThat(history.served().orElseThrow().getReason()).contains("from a-v2: v2 misses mild cases");

      // and an export of v2 is the very bundle that was published, verified
      Path out = ops.export("a-v2", dir.resolve("export"));
      assertThat(ModelBundle.open(out).sha256()).isEqualTo(ModelBundle.open(v2).sha256());
      assertThat(Files.readString(dir.resolve("export/a-v2.release.json"))).contains("ROLLED_BACK");

      // and the history lists every record with the served one marked
      java.io.ByteArrayOutputStream bytes = new java.io.ByteArrayOutputStream();
      io.neurostream.cli.ModelsListCommandAccess.print(history, bytes);
      assertThat(bytes.toString()).containsPattern("(?m)^\\* a-v1 .*PROMOTED");
    }
  }

  @Test
  void shouldRefuseToRollBackToARejectedReleaseUnlessForcedOrToAnUnknownOne() throws Exception {
    try (ReleaseOperations ops = operations("b")) {
      ops.publish(v1, ReleaseStatus.PROMOTED, "first");
      ops.publish(v2, ReleaseStatus.REJECTED, "worse");
      assertThatThrownBy(() -> ops.rollback("b-v2", null, false)).hasMessageContaining("pass --force");
      assertThatThrownBy(() -> ops.rollback("b-v9", null, false)).hasMessageContaining("no release b-v9");
      assertThatThrownBy(() -> ops.publish(v1, ReleaseStatus.PROMOTED, "again"))
          .hasMessageContaining("already released");
      ops.rollback("b-v2", "forced", true);
      assertThat(ops.history().served()).map(ModelRelease::getVersion).hasValue("b-v2");
    }
  }

  @Test
  void shouldPublishTheBundleTrainedByTrainWithPublish() throws Exception {
    // given a small phantom data set
    Path data = dir.resolve("data");
    io.neurostream.phantom.PhantomDatasetWriter.write(
        io.neurostream.phantom.PhantomGenerator.builder().setSeed(4).optSize(40).optProportions(1, 1, 1, 1).build(),
        data, 16, 2, 1, false, i -> {});

    // when the train command trains one epoch and publishes
    int code = io.neurostream.cli.NeuroStream.commandLine().execute("train", "--data", data.toString(),
        "--out", dir.resolve("trained.bundle").toString(), "--epochs", "1", "--depth", "18",
        "--image-size", "40", "--hidden-units", "16", "--batch-size", "8", "--model-version", "d-trained",
        "--publish", "--bootstrap", stack.bootstrap(), "--registry", stack.registryUrl());

    // then that very bundle is the served release
    assertThat(code).isZero();
    try (ReleaseOperations ops = new ReleaseOperations(TestStack.trainerConfig(stack, dir.resolve("state"), Map.of()))) {
      ModelRelease served = ops.history().served().orElseThrow();
      assertThat(served.getVersion()).isEqualTo("d-trained");
      assertThat(served.getArtifactSha256()).isEqualTo(ModelBundle.open(dir.resolve("trained.bundle")).sha256());
      assertThat(served.getReason()).isEqualTo("published by train --publish");
    }
  }

  @Test
  void shouldPublishToASharedDirectoryWhenConfigured() throws Exception {
    // given the file store instead of Kafka
    Path shared = dir.resolve("shared");
    TrainerConfig config = TestStack.trainerConfig(stack, dir.resolve("state"),
        Map.of("trainer.artifact.store", shared.toUri().toString()));
    Path e1 = TestStack.randomBundle(dir, "e-v1", 1);
    Path e2 = TestStack.randomBundle(dir, "e-v2", 2);
    try (ReleaseOperations ops = new ReleaseOperations(config)) {
      // when two releases are published
      ModelRelease first = ops.publish(e1, ReleaseStatus.PROMOTED, "first");
      ops.publish(e2, ReleaseStatus.PROMOTED, "second");

      // then the release points at a file the classifiers' store reads and verifies
      assertThat(first.getArtifactUri()).startsWith("file:").endsWith("/shared/e-v1.bundle");
      Path out = ops.export("e-v1", dir.resolve("export-e"));
      assertThat(ModelBundle.open(out).sha256()).isEqualTo(first.getArtifactSha256());

      // and retention removes the older file once it is neither kept nor served
      ArtifactRetention.apply(ops.history(), 1, config.artifacts(), null);
      assertThat(shared.resolve("e-v1.bundle")).doesNotExist();
      assertThat(shared.resolve("e-v2.bundle")).exists();
    }
  }

  @Test
  void shouldDeleteArtifactsBeyondTheKeptOnesButNeverTheServedOne() throws Exception {
    TrainerConfig config = TestStack.trainerConfig(stack, dir.resolve("state"), Map.of());
    ArtifactStores stores = new ArtifactStores(stack.client(), Duration.ofSeconds(30));
    try (ReleaseOperations ops = operations("c");
        Admin admin = Admin.create(stack.client())) {
      // given three releases, the first served and the later two rejected
      ops.publish(v1, ReleaseStatus.PROMOTED, "served");
      ops.publish(v2, ReleaseStatus.REJECTED, "worse");
      ops.publish(v3, ReleaseStatus.REJECTED, "worse");

      // when only one artifact is to be kept
      ArtifactRetention.apply(ops.history(), 1, config.artifacts(), admin);

      // then the served one is still fetchable, though older than the kept newest
      assertThat(stores.fetch(ops.history().find("c-v1").orElseThrow(), dir.resolve("f1"))).exists();

      // and once the newest is served, everything older goes
      ops.rollback("c-v3", null, true);
      ArtifactRetention.apply(ops.history(), 1, config.artifacts(), admin);
      assertThat(stores.fetch(ops.history().find("c-v3").orElseThrow(), dir.resolve("f3"))).exists();
      assertThatThrownBy(() -> stores.fetch(ops.history().find("c-v1").orElseThrow(), dir.resolve("f1b")))
          .isInstanceOf(ArtifactException.class).hasMessageContaining("no chunks");
      assertThatThrownBy(() -> ops.rollback("c-v1", null, false))
          .hasMessageContaining("cannot be used (NOT_FOUND)");
    }
  }
}
