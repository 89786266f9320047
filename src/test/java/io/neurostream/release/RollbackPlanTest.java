package io.neurostream.release;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.neurostream.avro.ModelRelease;
import io.neurostream.avro.ReleaseStatus;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class RollbackPlanTest {

  private static final Instant T = Instant.parse("2026-12-01T10:00:00Z");

  @Test
  void shouldRollBackTheServedReleaseAndRePromoteTheChosenOneAfterEverything() {
    // given v1 then v2 promoted, v2 served
    List<ModelRelease> history = List.of(release("v1", ReleaseStatus.PROMOTED, T),
        release("v2", ReleaseStatus.PROMOTED, T.plusSeconds(60)));

    // when rolling back to v1 with a clock behind the last decision
    List<ModelRelease> plan = RollbackPlan.plan(history, "v1", "recall dropped", false,
        "the console", T);

    // then v2 is ROLLED_BACK and v1 PROMOTED, both newer than every record, in that order
    assertThat(plan).extracting(ModelRelease::getVersion).containsExactly("v2", "v1");
    assertThat(plan).extracting(ModelRelease::getStatus)
        .containsExactly(ReleaseStatus.ROLLED_BACK, ReleaseStatus.PROMOTED);
    assertThat(plan.get(0).getCreatedAt()).isAfter(T.plusSeconds(60));
    assertThat(plan.get(1).getCreatedAt()).isAfter(plan.get(0).getCreatedAt());
    assertThat(plan.get(0).getReason()).contains("the console").contains("recall dropped");
    // and the classifiers' rule then serves v1
    ReleaseLedger ledger = new ReleaseLedger();
    List<ModelRelease> after = new ArrayList<>(history);
    after.addAll(plan);
    after.forEach(ledger::record);
    assertThat(ledger.target(Optional.empty())).map(ModelRelease::getVersion).contains("v1");
  }

  @Test
  void shouldRefuseWhatMakesNoSense() {
    List<ModelRelease> history = List.of(release("v1", ReleaseStatus.PROMOTED, T),
        release("bad", ReleaseStatus.REJECTED, T.plusSeconds(1)));

    assertThatThrownBy(() -> RollbackPlan.plan(history, "v9", "", false, "x", T))
        .hasMessageContaining("no release v9");
    assertThatThrownBy(() -> RollbackPlan.plan(history, "v1", "", false, "x", T))
        .hasMessageContaining("already the served release");
    assertThatThrownBy(() -> RollbackPlan.plan(history, "bad", "", false, "x", T))
        .hasMessageContaining("REJECTED").hasMessageContaining("--force");
    assertThat(RollbackPlan.plan(history, "bad", "", true, "x", T))
        .extracting(ModelRelease::getStatus)
        .containsExactly(ReleaseStatus.ROLLED_BACK, ReleaseStatus.PROMOTED);
  }

  private static ModelRelease release(String version, ReleaseStatus status, Instant at) {
    return ModelRelease.newBuilder()
        .setVersion(version).setArchitecture("test").setInputShape(List.of(3, 8, 8))
        .setClassNames(List.of("a", "b", "c", "d")).setArtifactSha256("00").setArtifactSize(1)
        .setArtifactUri("file:///x").setStatus(status).setReason("r").setCreatedAt(at).build();
  }
}
