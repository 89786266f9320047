package io.neurostream.gateway;

import io.neurostream.imaging.DicomWriter;
import io.neurostream.imaging.GrayImage;
import io.neurostream.imaging.TransferSyntax;
import java.util.Random;

/** DICOM instances of one test series: fixed study and series, numbered slices. */
public final class TestInstances {

  public final String study;
  public final String series;
  public final String patientId;
  private final Random random;

  public TestInstances(String name, long seed) {
    this.study = DicomWriter.uidFromName(name + "/study");
    this.series = DicomWriter.uidFromName(name + "/series");
    this.patientId = "patient-" + name;
    this.random = new Random(seed);
  }

  public String sop(int slice) {
    return DicomWriter.uidFromName(series + "/" + slice);
  }

  public DicomWriter.Builder writer(int slice, int slices) {
    return DicomWriter.builder().optStudyInstanceUid(study).optSeriesInstanceUid(series)
        .optSopInstanceUid(sop(slice)).optPatientId(patientId).optInstanceNumber(slice + 1)
        .optImagePosition(-64, -64, 5.0 * slice).optSliceLocation(5.0 * slice)
        .optImagesInAcquisition(slices);
  }

  public GrayImage image(int size) {
    float[] p = new float[size * size];
    for (int i = 0; i < p.length; i++) {
      int x = i % size;
      int y = i / size;
      double r = Math.hypot(x - size / 2.0, y - size / 2.0) / (size / 2.0);
      p[i] = (float) Math.max(0, Math.min(1, (r < 0.9 ? 0.5 + 0.3 * Math.cos(8 * r) : 0.02)
          + 0.03 * random.nextGaussian()));
    }
    return new GrayImage(size, size, p);
  }

  /** Slice {@code slice} of {@code slices}, {@code size} pixels square, in {@code syntax}. */
  public byte[] instance(int slice, int slices, int size, TransferSyntax syntax) {
    return writer(slice, slices).optTransferSyntax(syntax).build().write(image(size));
  }
}
