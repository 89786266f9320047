package io.neurostream.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.neurostream.avro.DementiaStage;
import io.neurostream.avro.SeriesAggregation;
import io.neurostream.avro.SeriesGrouping;
import io.neurostream.avro.SeriesVerdict;
import io.neurostream.avro.SupportingSlice;
import io.neurostream.avro.VerdictClosure;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class VerdictLinesTest {

  private static SeriesVerdict verdict(boolean mixed) {
    Map<String, Double> p = new LinkedHashMap<>();
    p.put("Non_Demented", 0.1);
    p.put("Very_Mild_Demented", 0.2);
    p.put("Mild_Demented", 0.6);
    p.put("Moderate_Demented", 0.1);
    return SeriesVerdict.newBuilder()
        .setStudyInstanceUid("1.2.3").setSeriesInstanceUid("1.2.3.4").setPatientKey("pk")
        .setGrouping(SeriesGrouping.SERIES_UID).setSlices(15).setSlicesExpected(16)
        .setDuplicates(1).setProbabilities(p).setVerdict(DementiaStage.Mild_Demented)
        .setConfidence(0.6).setAggregation(SeriesAggregation.MEAN_PROBABILITY)
        .setModelVersions(mixed ? List.of("v1", "v2") : List.of("v1"))
        .setMixedModelVersions(mixed)
        .setSupportingSlices(List.of(SupportingSlice.newBuilder().setSopInstanceUid("1.2.3.4.5")
            .setSliceIndex(7).setProbability(0.9).setModelVersion("v1").build()))
        .setClosedBy(VerdictClosure.GAP).setRevision(2).setFirstScanAt(Instant.EPOCH)
        .setLastPredictedAt(Instant.EPOCH).setClosedAt(Instant.ofEpochMilli(1000)).build();
  }

  @Test
  void shouldWriteOneJsonObjectWithTheFieldsConsumersRelyOn() throws Exception {
    JsonNode j = new ObjectMapper().readTree(VerdictLines.json(verdict(false)));
    assertThat(j.get("seriesInstanceUid").asText()).isEqualTo("1.2.3.4");
    assertThat(j.get("studyInstanceUid").asText()).isEqualTo("1.2.3");
    assertThat(j.get("verdict").asText()).isEqualTo("Mild_Demented");
    assertThat(j.at("/probabilities/Mild_Demented").asDouble()).isEqualTo(0.6);
    assertThat(j.get("slices").asInt()).isEqualTo(15);
    assertThat(j.get("slicesExpected").asInt()).isEqualTo(16);
    assertThat(j.get("closedBy").asText()).isEqualTo("GAP");
    assertThat(j.get("revision").asInt()).isEqualTo(2);
    assertThat(j.get("modelVersions").get(0).asText()).isEqualTo("v1");
    assertThat(j.at("/supportingSlices/0/sliceIndex").asInt()).isEqualTo(7);
  }

  @Test
  void shouldFlagMixedModelsInTheTable() {
    assertThat(VerdictLines.row(verdict(true))).contains("15/16").contains("GAP")
        .contains("v1,v2 (MIXED)");
    assertThat(VerdictLines.row(verdict(false))).doesNotContain("MIXED");
  }
}
