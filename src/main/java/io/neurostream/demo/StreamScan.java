package io.neurostream.demo;

import io.neurostream.avro.DementiaStage;
import java.nio.file.Path;
import java.util.Objects;

/**
 * One slice of the demo's stream set as the PACS sends it: its DICOM identity, the phantom file it
 * comes from and the ground truth the demo scores predictions against (the classifier never sees
 * it; the radiologist publishes it for a share of the scans).
 *
 * @param sopInstanceUid the scan id (record key of scans, predictions and labels)
 * @param studyInstanceUid one study per subject
 * @param seriesInstanceUid one series per subject
 * @param patientKey the subject's pseudonymous id
 * @param slice zero-based slice index in the series
 * @param sliceCount slices in the series
 * @param truth the subject's stage
 * @param file the phantom PNG in the work dir
 */
public record StreamScan(
    String sopInstanceUid,
    String studyInstanceUid,
    String seriesInstanceUid,
    String patientKey,
    int slice,
    int sliceCount,
    DementiaStage truth,
    Path file) {

  public StreamScan {
    Objects.requireNonNull(sopInstanceUid, "sopInstanceUid");
    Objects.requireNonNull(patientKey, "patientKey");
    Objects.requireNonNull(truth, "truth");
  }
}
