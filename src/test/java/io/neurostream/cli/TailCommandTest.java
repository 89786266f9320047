package io.neurostream.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.neurostream.avro.DementiaStage;
import io.neurostream.avro.Prediction;
import io.neurostream.avro.ScanIdentity;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

class TailCommandTest {

  private static Prediction prediction() {
    return Prediction.newBuilder()
        .setIdentity(ScanIdentity.newBuilder().setStudyInstanceUid("2.25.1").setSeriesInstanceUid("2.25.2")
            .setSopInstanceUid("2.25.3").setPatientKey("pk-1").build())
        .setPredicted(DementiaStage.Very_Mild_Demented)
        .setProbabilities(List.of(0.2f, 0.6f, 0.15f, 0.05f))
        .setModelVersion("20261202-090000")
        .setScanTimestamp(Instant.parse("2026-12-02T09:00:00Z"))
        .setPredictedAt(Instant.parse("2026-12-02T09:00:00.140Z"))
        .setBatchSize(8)
        .build();
  }

  @Test
  void jsonShouldNameEachClassBesideItsProbabilityInTheModelsOrder() throws Exception {
    String line = new ObjectMapper().writeValueAsString(TailCommand.json(prediction()));
    JsonNode json = new ObjectMapper().readTree(line);

    JsonNode probabilities = json.get("probabilities");
    List<String> names = new ArrayList<>();
    probabilities.fieldNames().forEachRemaining(names::add);
    assertThat(names).containsExactly("Non_Demented", "Very_Mild_Demented", "Mild_Demented", "Moderate_Demented");
    assertThat(probabilities.get("Very_Mild_Demented").floatValue()).isEqualTo(0.6f);
    assertThat(probabilities.get("Moderate_Demented").floatValue()).isEqualTo(0.05f);
    assertThat(json.get("predicted").asText()).isEqualTo("Very_Mild_Demented");
    assertThat(json.get("endToEndMs").asLong()).isEqualTo(140);
    assertThat(json.get("sopInstanceUid").asText()).isEqualTo("2.25.3");
  }

  @Test
  void tableRowShouldShowThePredictedClassAndItsProbability() {
    assertThat(TailCommand.tableRow(prediction()))
        .contains("2.25.3", "Very_Mild_Demented", "0.600", "20261202-090000", "140");
  }

  @Test
  void tailDashDashJsonShouldPointAtFormatJson() {
    Run run = run("tail", "--json");
    assertThat(run.code).isEqualTo(2);
    assertThat(run.err).contains("Unknown option: '--json'", "Did you mean: neurostream tail --format json?");
  }

  @Test
  void aMisspeltOptionShouldStillGetPicocliSuggestion() {
    Run run = run("tail", "--formt=json");
    assertThat(run.code).isEqualTo(2);
    assertThat(run.err).contains("Possible solutions: --format");
  }

  @Test
  void helpShouldShowHowToStopAfterNPredictions() {
    assertThat(run("tail", "--help").out.replaceAll("\\s+", " ")).contains("--max=N", "follow until Ctrl-C", "table|json");
  }

  record Run(int code, String out, String err) {}

  static Run run(String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    CommandLine cli = NeuroStream.commandLine();
    cli.setOut(new PrintWriter(out, true));
    cli.setErr(new PrintWriter(err, true));
    int code = cli.execute(args);
    return new Run(code, out.toString(), err.toString());
  }
}
