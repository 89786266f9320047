package io.neurostream.imaging;

import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * One decoded single-frame DICOM slice: its pixels and the attributes the pipeline needs.
 *
 * <p>{@code patientId} is a direct identifier. It is here only so that an ingest can derive a
 * pseudonymous key from it (a keyed hash); it must never be published or logged as is.
 *
 * @param image the pixels after modality rescale, VOI window and MONOCHROME1 inversion
 * @param transferSyntaxUid the file's transfer syntax, e.g. {@code 1.2.840.10008.1.2.1}
 * @param studyInstanceUid (0020,000D), or empty when absent
 * @param seriesInstanceUid (0020,000E), or empty when absent
 * @param sopInstanceUid (0008,0018), or empty when absent
 * @param patientId (0010,0020), or empty when absent; never forward it
 * @param instanceNumber (0020,0013), or null when absent
 * @param acquisitionDateTime (0008,002A), else (0008,0022) + (0008,0032); null when absent
 * @param timezoneOffset the DT value's offset or (0008,0201); null when the file does not say
 * @param pixelFormat how the stored pixels were laid out and mapped
 * @param attributes non-identifying extras for {@code ScanEvent.attributes} (e.g. modality)
 */
public record DicomSlice(
    GrayImage image,
    String transferSyntaxUid,
    String studyInstanceUid,
    String seriesInstanceUid,
    String sopInstanceUid,
    String patientId,
    Integer instanceNumber,
    LocalDateTime acquisitionDateTime,
    ZoneOffset timezoneOffset,
    PixelFormat pixelFormat,
    Map<String, String> attributes) {

  public DicomSlice {
    Objects.requireNonNull(image, "image");
    Objects.requireNonNull(pixelFormat, "pixelFormat");
    attributes = Map.copyOf(attributes);
  }

  /**
   * The acquisition time as an instant, using the file's timezone offset when it gives one and UTC
   * otherwise (DICOM dates without an offset are the scanner's local time, which we cannot know).
   */
  public Optional<Instant> acquisitionInstant() {
    if (acquisitionDateTime == null) {
      return Optional.empty();
    }
    ZoneOffset offset = timezoneOffset == null ? ZoneOffset.UTC : timezoneOffset;
    return Optional.of(acquisitionDateTime.toInstant(offset));
  }

  /**
   * The stored pixel layout and intensity mapping of a slice.
   *
   * @param rows (0028,0010)
   * @param columns (0028,0011)
   * @param bitsAllocated (0028,0100): 8 or 16
   * @param bitsStored (0028,0101)
   * @param signed (0028,0103) PixelRepresentation == 1
   * @param photometricInterpretation MONOCHROME1 or MONOCHROME2
   * @param rescaleSlope (0028,1053), 1 when absent
   * @param rescaleIntercept (0028,1052), 0 when absent
   * @param windowCenter (0028,1050) first value, null when absent (then min/max is used)
   * @param windowWidth (0028,1051) first value, null when absent
   */
  public record PixelFormat(
      int rows,
      int columns,
      int bitsAllocated,
      int bitsStored,
      boolean signed,
      String photometricInterpretation,
      double rescaleSlope,
      double rescaleIntercept,
      Double windowCenter,
      Double windowWidth) {}
}
