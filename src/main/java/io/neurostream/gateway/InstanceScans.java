package io.neurostream.gateway;

import io.neurostream.avro.ImageEncoding;
import io.neurostream.avro.ScanEvent;
import io.neurostream.avro.ScanIdentity;
import io.neurostream.imaging.DecodeLimits;
import io.neurostream.imaging.DicomInstance;
import io.neurostream.imaging.DicomReader;
import io.neurostream.imaging.DicomSlice;
import io.neurostream.imaging.DicomWriter;
import io.neurostream.imaging.ImageDecodeException;
import io.neurostream.imaging.PatientKeys;
import java.nio.ByteBuffer;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Turns one stored DICOM instance into the ScanEvents it publishes: one per frame, keyed by the
 * SOP Instance UID (with {@code /frames/N} appended for frames of a multi-frame instance, as in a
 * WADO-RS frame URL), each with its own position (Image Position (Patient) and Slice Location from
 * the frame's functional groups, see {@link DicomInstance#imagePositionPatient(int)}). Every frame
 * is decoded here, whatever its transfer syntax, so a damaged instance is refused at the door with
 * a reason the sender sees, and the event carries a de-identified uncompressed re-encoding: same
 * UIDs, instance number and acquisition time, the decoded pixels, and no patient module. The
 * patient appears only as the keyed hash.
 */
final class InstanceScans {

  /** An instance's scans, or why it has none. */
  record Result(StowOutcome.Instance instance, List<ScanEvent> scans) {}

  private final PatientKeys patientKeys;
  private final String source;
  private final DecodeLimits limits;

  InstanceScans(PatientKeys patientKeys, String source, DecodeLimits limits) {
    this.patientKeys = patientKeys;
    this.source = source;
    this.limits = limits;
  }

  /** The identity of an instance however damaged, for the response (empty strings if unknown). */
  static StowOutcome.Instance identify(byte[] dicom) {
    String[] uids = DicomReader.peekSopUids(dicom);
    return new StowOutcome.Instance(uids[0], uids[1]);
  }

  /**
   * Decodes every frame and builds its event.
   *
   * @throws ImageDecodeException when the instance cannot be decoded
   * @throws IllegalArgumentException when it lacks the UIDs a scan needs
   */
  Result scans(byte[] dicom) {
    DicomInstance instance = DicomReader.open(dicom, limits);
    String sop = instance.sopInstanceUid();
    if (sop.isEmpty() || instance.studyInstanceUid().isEmpty()
        || instance.seriesInstanceUid().isEmpty()) {
      throw new IllegalArgumentException("the instance lacks SOP Instance UID (0008,0018), Study "
          + "Instance UID (0020,000D) or Series Instance UID (0020,000E)");
    }
    String patientKey = patientKeys.of(instance.patientId().isBlank()
        ? "unknown-patient:" + instance.studyInstanceUid() : instance.patientId());
    int frames = instance.frames();
    List<ScanEvent> scans = new ArrayList<>(frames);
    for (int f = 0; f < frames; f++) {
      DicomSlice slice = instance.frame(f);
      String key = frames == 1 ? sop : sop + "/frames/" + (f + 1);
      Integer sliceIndex = frames > 1 ? Integer.valueOf(f)
          : instance.instanceNumber().map(n -> n - 1).filter(n -> n >= 0).orElse(null);
      Integer sliceCount = frames > 1 ? Integer.valueOf(frames)
          : instance.imagesInAcquisition().orElse(null);
      scans.add(ScanEvent.newBuilder()
          .setIdentity(ScanIdentity.newBuilder()
              .setStudyInstanceUid(instance.studyInstanceUid())
              .setSeriesInstanceUid(instance.seriesInstanceUid())
              .setSopInstanceUid(key)
              .setPatientKey(patientKey)
              .build())
          .setAcquisitionTime(slice.acquisitionInstant().orElse(Instant.now()))
          .setSource(source)
          .setSliceIndex(sliceIndex)
          .setSliceCount(sliceCount)
          .setEncoding(ImageEncoding.DICOM)
          .setWidth(slice.pixelFormat().columns())
          .setHeight(slice.pixelFormat().rows())
          .setImage(ByteBuffer.wrap(deidentified(instance, slice, key, f)))
          .setAttributes(attributes(instance, slice, f, frames))
          .build());
    }
    return new Result(new StowOutcome.Instance(instance.sopClassUid(), sop), scans);
  }

  private static Map<String, String> attributes(DicomInstance instance, DicomSlice slice, int frame,
      int frames) {
    Map<String, String> a = new LinkedHashMap<>(slice.attributes());
    a.put("sopInstanceUid", instance.sopInstanceUid());
    if (!instance.sopClassUid().isEmpty()) {
      a.put("sopClassUid", instance.sopClassUid());
    }
    instance.instanceNumber().ifPresent(n -> a.put("instanceNumber", n.toString()));
    String position = instance.imagePositionPatient(frame);
    if (!position.isEmpty()) {
      a.put("imagePositionPatient", position);
    }
    instance.sliceLocation(frame).ifPresent(l -> a.put("sliceLocation", l.toString()));
    instance.imagesInAcquisition().ifPresent(n -> a.put("imagesInAcquisition", n.toString()));
    if (frames > 1) {
      a.put("frameNumber", Integer.toString(frame + 1));
      a.put("numberOfFrames", Integer.toString(frames));
    }
    return a;
  }

  /** The frame as a new Part 10 file: UIDs, instance, time and pixels; no patient module. */
  private static byte[] deidentified(DicomInstance instance, DicomSlice slice, String key,
      int frame) {
    DicomWriter.Builder writer = DicomWriter.builder()
        .optStudyInstanceUid(instance.studyInstanceUid())
        .optSeriesInstanceUid(instance.seriesInstanceUid())
        .optSopInstanceUid(frame == 0 && key.equals(instance.sopInstanceUid()) ? key
            : DicomWriter.uidFromName(key));
    instance.instanceNumber().ifPresent(writer::optInstanceNumber);
    if (slice.acquisitionDateTime() != null) {
      writer.optAcquisitionDateTime(slice.acquisitionDateTime());
    }
    return writer.build().write(slice.image());
  }
}
