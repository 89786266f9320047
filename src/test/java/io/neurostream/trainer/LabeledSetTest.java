package io.neurostream.trainer;

import static org.assertj.core.api.Assertions.assertThat;

import io.neurostream.avro.DementiaStage;
import io.neurostream.avro.ImageEncoding;
import io.neurostream.avro.LabeledScan;
import io.neurostream.avro.ScanEvent;
import io.neurostream.avro.ScanIdentity;
import java.nio.ByteBuffer;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.Test;

class LabeledSetTest {

  static LabeledScan label(String scanId, String patient, DementiaStage stage) {
    ScanEvent scan = ScanEvent.newBuilder()
        .setIdentity(ScanIdentity.newBuilder().setStudyInstanceUid("1.2").setSeriesInstanceUid("1.2.3")
            .setSopInstanceUid(scanId).setPatientKey(patient).build())
        .setAcquisitionTime(Instant.EPOCH)
        .setSource("test")
        .setEncoding(ImageEncoding.RAW_U8)
        .setWidth(2)
        .setHeight(2)
        .setImage(ByteBuffer.wrap(new byte[] {1, 2, 3, 4}))
        .build();
    return LabeledScan.newBuilder().setScan(scan).setLabel(stage).setLabeler("r1")
        .setLabeledAt(Instant.EPOCH).build();
  }

  @Test
  void shouldKeepTheLatestLabelOfAScan() {
    // given
    LabeledSet set = new LabeledSet();

    // when a scan is labeled twice
    set.apply("s1", label("s1", "p1", DementiaStage.Non_Demented), 0, 0);
    set.apply("s2", label("s2", "p1", DementiaStage.Mild_Demented), 0, 1);
    set.apply("s1", label("s1", "p1", DementiaStage.Very_Mild_Demented), 0, 2);

    // then it is held once, with its newest label
    LabeledSet.Snapshot s = set.snapshot();
    assertThat(s.entries()).extracting(LabeledSet.Entry::scanId).containsExactly("s2", "s1");
    assertThat(s.entries().get(1).label()).isEqualTo(DementiaStage.Very_Mild_Demented);
    assertThat(s.entries().get(1).image()).containsExactly(1, 2, 3, 4);
  }

  @Test
  void shouldDropAScanOnATombstone() {
    LabeledSet set = new LabeledSet();
    set.apply("s1", label("s1", "p1", DementiaStage.Non_Demented), 1, 5);
    set.apply("s1", null, 1, 6);
    assertThat(set.size()).isZero();
    assertThat(set.snapshot().offsets()).containsEntry(1, 7L);
  }

  @Test
  void shouldCountLabelsNewSinceTheOffsetsARoundSaw() {
    // given labels on two partitions
    LabeledSet set = new LabeledSet();
    set.apply("a", label("a", "p1", DementiaStage.Non_Demented), 0, 0);
    set.apply("b", label("b", "p2", DementiaStage.Non_Demented), 0, 1);
    set.apply("c", label("c", "p3", DementiaStage.Non_Demented), 1, 0);
    LabeledSet.Snapshot seen = set.snapshot();

    // when more arrive, one of them relabeling a scan a round has seen
    set.apply("d", label("d", "p4", DementiaStage.Non_Demented), 1, 1);
    set.apply("a", label("a", "p1", DementiaStage.Mild_Demented), 0, 2);

    // then both count as new, and a set never seen counts whole
    assertThat(set.snapshot().newSince(seen.offsets())).isEqualTo(2);
    assertThat(set.snapshot().newSince(Map.of())).isEqualTo(4);
  }
}
