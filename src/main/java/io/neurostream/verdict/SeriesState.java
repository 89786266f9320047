package io.neurostream.verdict;

import com.fasterxml.jackson.annotation.JsonAutoDetect;
import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.neurostream.avro.Prediction;
import io.neurostream.avro.SeriesGrouping;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.serialization.Serializer;

/**
 * What the verdict stage knows of one series, kept in a changelogged store: its slices by SOP
 * Instance UID (a set, so a re-sent instance is counted once), how many it expects, whether it is
 * open, its last revision and the wall-clock time its last new slice arrived.
 *
 * <p>Stored as JSON with a format version, so fields can be added without a migration: unknown
 * fields are ignored and missing ones take their defaults.
 */
@JsonIgnoreProperties(ignoreUnknown = true)
@JsonAutoDetect(fieldVisibility = JsonAutoDetect.Visibility.ANY,
    getterVisibility = JsonAutoDetect.Visibility.NONE,
    isGetterVisibility = JsonAutoDetect.Visibility.NONE)
final class SeriesState {

  static final int FORMAT = 1;
  private static final ObjectMapper JSON = new ObjectMapper()
      .configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false);

  /** One counted slice. */
  @JsonIgnoreProperties(ignoreUnknown = true)
  record Slice(Integer index, float[] probabilities, String modelVersion, long scanAtMs,
      long predictedAtMs, Integer scanPartition, Long scanOffset) {

    static Slice of(Prediction p) {
      List<Float> probs = p.getProbabilities();
      float[] copy = new float[probs.size()];
      for (int i = 0; i < copy.length; i++) {
        copy[i] = probs.get(i);
      }
      return new Slice(p.getSliceIndex(), copy, p.getModelVersion(),
          p.getScanTimestamp().toEpochMilli(), p.getPredictedAt().toEpochMilli(),
          p.getScanPartition(), p.getScanOffset());
    }
  }

  int format = FORMAT;
  String studyInstanceUid;
  String patientKey;
  SeriesGrouping grouping = SeriesGrouping.SERIES_UID;
  Integer expected;
  int duplicates;
  int revision;
  boolean open = true;
  long lastArrivalMs;
  long closedAtMs;
  Map<String, Slice> slices = new LinkedHashMap<>();

  /** A new series, started by its first prediction. */
  static SeriesState start(Prediction first) {
    SeriesState s = new SeriesState();
    s.studyInstanceUid = first.getIdentity().getStudyInstanceUid();
    s.patientKey = first.getIdentity().getPatientKey();
    s.grouping = SeriesKeys.grouping(first);
    return s;
  }

  /**
   * Counts the prediction's slice unless its SOP Instance UID is already counted.
   *
   * @return true if the slice is new, false for a re-sent instance (counted as a duplicate)
   */
  boolean add(Prediction p, long nowMs) {
    String sop = p.getIdentity().getSopInstanceUid();
    if (slices.containsKey(sop)) {
      duplicates++;
      return false;
    }
    slices.put(sop, Slice.of(p));
    if (p.getSliceCount() != null && p.getSliceCount() > 0) {
      expected = p.getSliceCount();
    }
    lastArrivalMs = nowMs;
    return true;
  }

  /** Whether every expected slice has arrived (false while the count is unknown). */
  boolean complete() {
    return expected != null && slices.size() >= expected;
  }

  /** Marks the verdict of the next revision as emitted. */
  int close(long nowMs) {
    open = false;
    closedAtMs = nowMs;
    return ++revision;
  }

  /** Opens a closed series again for a late slice. */
  void reopen() {
    open = true;
  }

  /** The serde of the series store. */
  static Serde<SeriesState> serde() {
    Serializer<SeriesState> writer = (topic, state) -> {
      if (state == null) {
        return null;
      }
      try {
        return JSON.writeValueAsBytes(state);
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    };
    Deserializer<SeriesState> reader = (topic, bytes) -> {
      if (bytes == null) {
        return null;
      }
      try {
        SeriesState s = JSON.readValue(bytes, SeriesState.class);
        if (s.format > FORMAT) {
          throw new SerializationException("series state format " + s.format + " is newer than "
              + FORMAT + "; this is an older verdict stage reading a newer one's store: upgrade it");
        }
        return s;
      } catch (IOException e) {
        throw new SerializationException("unreadable series state: " + e.getMessage(), e);
      }
    };
    return Serdes.serdeFrom(writer, reader);
  }
}
