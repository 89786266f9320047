package io.neurostream.trainer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.neurostream.avro.ModelRelease;
import io.neurostream.avro.ReleaseStatus;
import io.neurostream.model.ModelBundle;
import io.neurostream.training.BackboneFeatureCache;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TrainingRoundTest {

  @TempDir Path dir;

  private TrainerConfig config(Map<String, String> more) {
    Map<String, String> s = new HashMap<>();
    s.put("state.dir", dir.resolve("state").toString());
    s.put("trainer.epochs", "2");
    s.put("trainer.batch.size", "16");
    s.put("trainer.device", "cpu");
    s.put("trainer.initial.depth", "18");
    s.put("trainer.initial.input.size", "40");
    s.putAll(more);
    return TrainerConfig.from(io.neurostream.config.Configuration.load(
        io.neurostream.config.ConfigSources.builder().optEnv(Map.of()).optOverrides(s).build(),
        new io.neurostream.config.CommonKeys(), new TrainerKeys()));
  }

  private static LabeledSet.Snapshot labels(List<PhantomScans.Slice> slices) {
    LabeledSet set = new LabeledSet();
    long offset = 0;
    for (PhantomScans.Slice s : slices) {
      set.apply(s.scanId(), io.neurostream.avro.LabeledScan.newBuilder()
          .setScan(PhantomScans.scan(s.scanId(), s.patient(), s.image()))
          .setLabel(s.stage()).setLabeler("r").setLabeledAt(java.time.Instant.EPOCH).build(), 0, offset++);
    }
    return set.snapshot();
  }

  private static ModelRelease release(ModelBundle bundle) {
    return ModelRelease.newBuilder().setVersion(bundle.metadata().version()).setArchitecture("a")
        .setInputShape(List.of(3, 40, 40)).setClassNames(List.of()).setArtifactSha256(bundle.sha256())
        .setArtifactSize(bundle.size()).setArtifactUri("file:///x").setStatus(ReleaseStatus.PROMOTED)
        .setReason("r").setCreatedAt(java.time.Instant.EPOCH).build();
  }

  private long deadline() {
    return System.nanoTime() + 120_000_000_000L;
  }

  @Test
  void shouldSplitTheLabeledSetByPatientWithoutLosingAScan() {
    PatientSplit split = new PatientSplit(0.2, 0.15, "s");
    List<PhantomScans.Slice> slices = PhantomScans.slices(3, 40, 2, "p");
    TrainingRound.Examples ex = TrainingRound.examples(labels(slices), split, 40);
    assertThat(ex.total()).isEqualTo(slices.size());
    assertThat(ex.holdout()).allSatisfy(e -> assertThat(split.partOf(e.subject())).isEqualTo(PatientSplit.Part.HOLDOUT));
    assertThat(ex.train()).allSatisfy(e -> assertThat(split.partOf(e.subject())).isEqualTo(PatientSplit.Part.TRAIN));
  }

  @Test
  void shouldScoreCandidateAndServedModelOnTheSameHoldoutAndRecordTheDecision() throws Exception {
    // given a served model and labels of 40 patients
    TrainerConfig config = config(Map.of());
    ModelBundle current = ModelBundle.open(TestStack.randomBundle(dir, "v0", 1));
    LabeledSet.Snapshot labels = labels(PhantomScans.slices(3, 40, 2, "p"));
    BackboneFeatureCache cache = BackboneFeatureCache.inMemory();

    // when a head-only round runs
    TrainingRound.Result r = new TrainingRound(config, cache, null)
        .fineTune(labels, release(current), current, "v1", "test", 80, deadline());

    // then the release carries both models' holdout metrics, the decision and the label offsets
    assertThat(r.bundle().metadata().parentVersion()).isEqualTo("v0");
    assertThat(r.draft().parentVersion()).isEqualTo("v0");
    assertThat(r.draft().metrics().get("count")).isEqualTo(r.draft().parentMetrics().get("count"));
    assertThat(r.draft().reason()).matches("(promoted|rejected): .*holdout.*\\(round: test\\)");
    assertThat(r.draft().provenance()).containsEntry(ReleaseHistory.LABEL_OFFSETS, "0:80")
        .containsEntry("trainer.mode", "head").containsEntry("trained", "head only, on cached backbone features");
    // and each scan went through the backbone once, though both models were scored
    assertThat(cache.computedCount()).isEqualTo(80);
  }

  @Test
  void shouldFineTuneTheWholeNetworkInFullMode() throws Exception {
    TrainerConfig config = config(Map.of("trainer.mode", "full", "trainer.epochs", "1"));
    ModelBundle current = ModelBundle.open(TestStack.randomBundle(dir, "v0", 1));
    TrainingRound.Result r = new TrainingRound(config, BackboneFeatureCache.inMemory(), null)
        .fineTune(labels(PhantomScans.slices(3, 40, 2, "p")), release(current), current, "v1", "test", 80, deadline());
    assertThat(r.draft().provenance()).containsEntry("trainer.mode", "full").containsEntry("trained", "whole network");
  }

  @Test
  void shouldTrainAFirstModelFromTheLabelsWhenThereIsNoRelease() throws Exception {
    TrainerConfig config = config(Map.of("trainer.epochs", "1"));
    TrainingRound.Result r = new TrainingRound(config, BackboneFeatureCache.inMemory(), null)
        .trainInitial(labels(PhantomScans.slices(3, 40, 2, "p")), "v1", "first", 80, deadline());
    assertThat(r.draft().status()).isEqualTo(ReleaseStatus.PROMOTED);
    assertThat(r.draft().parentVersion()).isNull();
    assertThat(r.draft().reason()).startsWith("initial model trained on 80 labels");
    assertThat(r.bundle().metadata().spec().depth()).isEqualTo(18);
  }

  @Test
  void shouldWaitForLabelsOfPatientsInEveryPart() {
    TrainerConfig config = config(Map.of());
    ModelBundle current = ModelBundle.open(TestStack.randomBundle(dir, "v0", 1));
    // two patients cannot fill training, validation and holdout
    LabeledSet.Snapshot few = labels(PhantomScans.slices(3, 2, 2, "p"));
    assertThatThrownBy(() -> new TrainingRound(config, BackboneFeatureCache.inMemory(), null)
        .fineTune(few, release(current), current, "v1", "test", 4, deadline()))
        .isInstanceOf(TrainingRound.NotReady.class)
        .hasMessageContaining("not enough labeled patients yet");
  }
}
