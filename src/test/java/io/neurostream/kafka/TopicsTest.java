package io.neurostream.kafka;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import org.apache.kafka.common.serialization.Serdes;
import org.junit.jupiter.api.Test;

class TopicsTest {

  @Test
  void shouldDeclareTheTopicNamesTheTeamAgreedOn() {
    assertThat(Topics.all()).extracting(Topic::name).containsExactly(
        "mri.scans", "mri.predictions", "mri.scans.dlq", "mri.labels",
        "mri.model-releases", "mri.model-artifacts", "mri.series-verdicts", "mri.explanations",
        "mri.service-status");
  }

  @Test
  void shouldCompactReleasesButNeverArtifactChunksThatShareAKey() {
    assertThat(Topics.MODEL_RELEASES.configs()).containsEntry("cleanup.policy", "compact");
    assertThat(Topics.MODEL_ARTIFACTS.configs()).containsEntry("cleanup.policy", "delete")
        .containsEntry("retention.ms", "-1");
    assertThat(Integer.parseInt(Topics.MODEL_ARTIFACTS.configs().get("max.message.bytes")))
        .isGreaterThan(Topics.ARTIFACT_CHUNK_BYTES);
  }

  @Test
  void shouldApplyAProductionReplicationFactorToEveryTopic() {
    assertThat(Topics.all((short) 3)).allSatisfy(t -> assertThat(t.replicationFactor()).isEqualTo((short) 3));
    assertThat(Topics.SCANS.replicationFactor()).isEqualTo(Topics.DEFAULT_REPLICATION_FACTOR);
  }

  @Test
  void shouldBuildTheAdminRequestFromTheDeclaration() {
    var request = Topics.LABELS.toNewTopic();
    assertThat(request.name()).isEqualTo("mri.labels");
    assertThat(request.numPartitions()).isEqualTo(3);
    assertThat(request.replicationFactor()).isEqualTo((short) 1);
    assertThat(request.configs()).isEqualTo(Topics.LABELS.configs());
  }

  @Test
  void shouldHandOutBytesForArtifactChunks() {
    assertThat(Topics.MODEL_ARTIFACTS.valueSerde(Map.of()).serializer().serialize("t", new byte[] {1, 2}))
        .containsExactly(1, 2);
  }

  @Test
  void shouldRejectAnIllegalNameWithTheRule() {
    assertThatThrownBy(() -> new Topic<>("mri scans", 1, (short) 1, Map.of(),
        c -> Serdes.String(), c -> Serdes.String()))
        .hasMessageContaining("'mri scans'").hasMessageContaining("letters, digits");
  }

  @Test
  void shouldRejectZeroPartitions() {
    assertThatThrownBy(() -> Topics.SCANS.withPartitions(0)).hasMessageContaining("partitions=0");
  }

  @Test
  void shouldFindOwnTopicsByName() {
    assertThat(Topics.byName("mri.scans")).contains(Topics.SCANS);
    assertThat(Topics.byName("_schemas")).isEmpty();
  }
}
