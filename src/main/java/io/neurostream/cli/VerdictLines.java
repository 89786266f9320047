package io.neurostream.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.neurostream.avro.SeriesVerdict;
import io.neurostream.avro.SupportingSlice;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** How {@code neurostream tail --verdicts} prints a series verdict: a table row or a JSON object. */
final class VerdictLines {

  private static final DateTimeFormatter TIME =
      DateTimeFormatter.ofPattern("HH:mm:ss.SSS").withZone(ZoneOffset.UTC);
  private static final ObjectMapper JSON = new ObjectMapper();

  private VerdictLines() {}

  static String header() {
    return String.format(Locale.ROOT, "%-12s %-44s %-18s %6s %9s %-8s %3s %-24s", "CLOSED",
        "SERIES_INSTANCE_UID", "VERDICT", "P", "SLICES", "BY", "REV", "MODEL");
  }

  static String row(SeriesVerdict v) {
    String slices = v.getSlices() + "/" + (v.getSlicesExpected() == null ? "?"
        : v.getSlicesExpected().toString());
    String models = String.join(",", v.getModelVersions())
        + (v.getMixedModelVersions() ? " (MIXED)" : "");
    return String.format(Locale.ROOT, "%-12s %-44s %-18s %6.3f %9s %-8s %3d %-24s",
        TIME.format(v.getClosedAt()), v.getSeriesInstanceUid(), v.getVerdict().name(),
        v.getConfidence(), slices, v.getClosedBy().name(), v.getRevision(), models);
  }

  /** One JSON object with the fields a consumer needs; names follow the Avro schema. */
  static String json(SeriesVerdict v) throws JsonProcessingException {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("seriesInstanceUid", v.getSeriesInstanceUid());
    m.put("studyInstanceUid", v.getStudyInstanceUid());
    m.put("patientKey", v.getPatientKey());
    m.put("grouping", v.getGrouping().name());
    m.put("verdict", v.getVerdict().name());
    m.put("confidence", v.getConfidence());
    m.put("probabilities", new LinkedHashMap<>(v.getProbabilities()));
    m.put("aggregation", v.getAggregation().name());
    m.put("slices", v.getSlices());
    m.put("slicesExpected", v.getSlicesExpected());
    m.put("duplicates", v.getDuplicates());
    m.put("closedBy", v.getClosedBy().name());
    m.put("revision", v.getRevision());
    m.put("modelVersions", v.getModelVersions());
    m.put("mixedModelVersions", v.getMixedModelVersions());
    List<Map<String, Object>> support = v.getSupportingSlices().stream().map(VerdictLines::slice)
        .toList();
    m.put("supportingSlices", support);
    m.put("firstScanAt", v.getFirstScanAt().toString());
    m.put("lastPredictedAt", v.getLastPredictedAt().toString());
    m.put("closedAt", v.getClosedAt().toString());
    return JSON.writeValueAsString(m);
  }

  private static Map<String, Object> slice(SupportingSlice s) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("sopInstanceUid", s.getSopInstanceUid());
    m.put("sliceIndex", s.getSliceIndex());
    m.put("probability", s.getProbability());
    m.put("modelVersion", s.getModelVersion());
    return m;
  }
}
