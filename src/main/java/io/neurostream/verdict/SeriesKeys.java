package io.neurostream.verdict;

import io.neurostream.avro.Prediction;
import io.neurostream.avro.ScanIdentity;
import io.neurostream.avro.SeriesGrouping;

/**
 * Which series a slice belongs to. Slices are grouped by their DICOM Series Instance UID. A
 * producer that has no series (a blank Series Instance UID) falls back to the subject: all the
 * patient key's slices form one group, keyed {@code subject:<patientKey>}. The ingest CLI always
 * sets a series (derived from the manifest subject and the folder for PNG and JPEG files), so the
 * fallback only matters for other producers.
 */
final class SeriesKeys {

  static final String SUBJECT_PREFIX = "subject:";

  private SeriesKeys() {}

  /** The grouping key of the prediction's slice. */
  static String of(Prediction prediction) {
    ScanIdentity id = prediction.getIdentity();
    String series = id.getSeriesInstanceUid();
    return series == null || series.isBlank() ? SUBJECT_PREFIX + id.getPatientKey() : series;
  }

  /** How {@link #of} grouped the prediction's slice. */
  static SeriesGrouping grouping(Prediction prediction) {
    String series = prediction.getIdentity().getSeriesInstanceUid();
    return series == null || series.isBlank() ? SeriesGrouping.SUBJECT : SeriesGrouping.SERIES_UID;
  }
}
