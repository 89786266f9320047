package io.neurostream.demo;

import static org.assertj.core.api.Assertions.assertThat;

import io.neurostream.avro.DementiaStage;
import io.neurostream.avro.SeriesAggregation;
import io.neurostream.avro.SeriesGrouping;
import io.neurostream.avro.SeriesVerdict;
import io.neurostream.avro.VerdictClosure;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class SeriesSummaryTest {

  private static SeriesVerdict verdict(String series, DementiaStage stage, int revision,
      VerdictClosure by, String... models) {
    Map<String, Double> p = new LinkedHashMap<>();
    for (DementiaStage s : DementiaStage.values()) {
      p.put(s.name(), s == stage ? 0.7 : 0.1);
    }
    return SeriesVerdict.newBuilder()
        .setStudyInstanceUid("st-" + series).setSeriesInstanceUid(series).setPatientKey("pk")
        .setGrouping(SeriesGrouping.SERIES_UID).setSlices(16).setSlicesExpected(16)
        .setProbabilities(p).setVerdict(stage).setConfidence(0.7)
        .setAggregation(SeriesAggregation.MEAN_PROBABILITY).setModelVersions(List.of(models))
        .setMixedModelVersions(models.length > 1).setSupportingSlices(List.of())
        .setClosedBy(by).setRevision(revision).setFirstScanAt(Instant.EPOCH)
        .setLastPredictedAt(Instant.EPOCH).setClosedAt(Instant.ofEpochMilli(revision))
        .build();
  }

  @Test
  void shouldScoreVerdictsPerModelVersionWithMixedSeriesApart() {
    SeriesSummary s = SeriesSummary.of(List.of(
            verdict("a", DementiaStage.Mild_Demented, 1, VerdictClosure.COMPLETE, "v1"),
            verdict("b", DementiaStage.Non_Demented, 2, VerdictClosure.COMPLETE, "v1"),
            verdict("c", DementiaStage.Non_Demented, 1, VerdictClosure.GAP, "v1", "v2"),
            verdict("d", DementiaStage.Mild_Demented, 1, VerdictClosure.COMPLETE, "v2"),
            verdict("unknown", DementiaStage.Mild_Demented, 1, VerdictClosure.COMPLETE, "v2")),
        Map.of("a", DementiaStage.Mild_Demented, "b", DementiaStage.Mild_Demented,
            "c", DementiaStage.Non_Demented, "d", DementiaStage.Mild_Demented));

    assertThat(s.rows()).extracting(SeriesSummary.Row::version)
        .containsExactly("v1", "v2", "mixed");
    SeriesSummary.Row v1 = s.rows().get(0);
    assertThat(v1.series()).isEqualTo(2);
    assertThat(v1.revised()).isEqualTo(1);
    assertThat(v1.metrics().accuracy()).isEqualTo(0.5);
    assertThat(s.rows().get(2).complete()).isZero();
    assertThat(s.overall().series()).isEqualTo(4);
    assertThat(s.overall().metrics().accuracy()).isEqualTo(0.75);
    assertThat(s.table()).contains("mixed").contains("all");
    assertThat(SeriesReport.html(s, Map.of())).contains("Per series").contains("(mixed)");
  }
}
