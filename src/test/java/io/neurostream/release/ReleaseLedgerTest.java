package io.neurostream.release;

import static org.assertj.core.api.Assertions.assertThat;

import io.neurostream.avro.ModelRelease;
import io.neurostream.avro.ReleaseStatus;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class ReleaseLedgerTest {

  static ModelRelease release(String version, ReleaseStatus status, long createdAt) {
    return ModelRelease.newBuilder()
        .setVersion(version)
        .setArchitecture("resnet18-gap-dense512-dense4")
        .setInputShape(List.of(3, 48, 48))
        .setClassNames(List.of("a", "b", "c", "d"))
        .setArtifactSha256("00")
        .setArtifactSize(1L)
        .setArtifactUri("kafka://mri.model-artifacts/" + version)
        .setStatus(status)
        .setReason("test")
        .setCreatedAt(Instant.ofEpochMilli(createdAt))
        .build();
  }

  @Test
  void shouldServeTheNewestPromotedReleaseAndNeverARejectedOne() {
    ReleaseLedger ledger = new ReleaseLedger();
    ledger.record(release("v1", ReleaseStatus.PROMOTED, 1));
    ledger.record(release("v2", ReleaseStatus.PROMOTED, 2));
    ledger.record(release("v3", ReleaseStatus.REJECTED, 3));
    assertThat(ledger.target(Optional.empty())).map(ModelRelease::getVersion).contains("v2");
  }

  @Test
  void shouldBringThePreviousPromotedBackWhenTheCurrentIsRolledBack() {
    ReleaseLedger ledger = new ReleaseLedger();
    ledger.record(release("v1", ReleaseStatus.PROMOTED, 1));
    ledger.record(release("v2", ReleaseStatus.PROMOTED, 2));
    ledger.record(release("v2", ReleaseStatus.ROLLED_BACK, 5));
    assertThat(ledger.target(Optional.empty())).map(ModelRelease::getVersion).contains("v1");
  }

  @Test
  void shouldServeAnOlderVersionRePromotedLater() {
    ReleaseLedger ledger = new ReleaseLedger();
    ledger.record(release("v1", ReleaseStatus.PROMOTED, 1));
    ledger.record(release("v2", ReleaseStatus.PROMOTED, 2));
    ledger.record(release("v1", ReleaseStatus.PROMOTED, 9));
    assertThat(ledger.target(Optional.empty())).map(ModelRelease::getVersion).contains("v1");
  }

  @Test
  void shouldServeThePinnedVersionWhateverIsPromotedLater() {
    ReleaseLedger ledger = new ReleaseLedger();
    ledger.record(release("v1", ReleaseStatus.PROMOTED, 1));
    ledger.record(release("v2", ReleaseStatus.PROMOTED, 2));
    assertThat(ledger.target(Optional.of("v1"))).map(ModelRelease::getVersion).contains("v1");
    assertThat(ledger.target(Optional.of("v9"))).isEmpty();
  }

  @Test
  void shouldServeNothingBeforeAnyPromotion() {
    ReleaseLedger ledger = new ReleaseLedger();
    ledger.record(release("v1", ReleaseStatus.REJECTED, 1));
    assertThat(ledger.target(Optional.empty())).isEmpty();
  }
}
