package io.neurostream.verdict;

import io.neurostream.avro.SeriesVerdict;
import io.neurostream.imaging.DicomWriter;
import io.neurostream.imaging.SecondaryCapture;
import io.neurostream.imaging.SecondaryCapture.StudyAttribute;
import java.awt.image.BufferedImage;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.Map;

/**
 * A verdict as the DICOM Secondary Capture that goes back to the PACS: in the verdict's study, in
 * a series of its own whose UID is derived from the source series, one instance per verdict
 * revision whose UID is derived from the source series and the revision (so a re-send after a
 * crash stores the same instance again instead of a second one), with the study's patient and
 * study attributes as the PACS holds them. Every byte is a function of its inputs (dates are the
 * verdict's close, UTC), so a re-send is the identical file.
 */
public final class VerdictCapture {

  /** Series Description (0008,103E) of the result series. */
  public static final String SERIES_DESCRIPTION = "NeuroStream verdict (research use only)";
  /** Series Number (0020,0011) of the result series. */
  public static final int SERIES_NUMBER = 9901;

  private VerdictCapture() {}

  /** The result series' UID for the verdicts of {@code sourceSeries}. */
  public static String seriesUid(String sourceSeries) {
    return DicomWriter.uidFromName("neurostream/verdict-series/" + sourceSeries);
  }

  /** The result instance's UID for {@code revision} of the verdict of {@code sourceSeries}. */
  public static String sopUid(String sourceSeries, int revision) {
    return DicomWriter.uidFromName("neurostream/verdict/" + sourceSeries + "/" + revision);
  }

  /** The Part 10 file of {@code picture} for {@code v}. */
  static byte[] dicom(SeriesVerdict v, BufferedImage picture, VerdictPicture.Shows shows,
      Map<StudyAttribute, String> study) {
    SecondaryCapture.Builder sc = SecondaryCapture.builder()
        .study(v.getStudyInstanceUid())
        .series(seriesUid(v.getSeriesInstanceUid()))
        .sop(sopUid(v.getSeriesInstanceUid(), v.getRevision()))
        .seriesDescription(SERIES_DESCRIPTION)
        .seriesNumber(SERIES_NUMBER)
        .instanceNumber(v.getRevision())
        .softwareVersion(String.join(", ", v.getModelVersions()))
        .created(LocalDateTime.ofInstant(v.getClosedAt(), ZoneOffset.UTC))
        .derivation(switch (shows) {
          case GRAD_CAM -> "Grad-CAM heat map of the verdict class on the top supporting slice "
              + "of series " + v.getSeriesInstanceUid();
          case PLAIN_SLICE -> "Top supporting slice of series " + v.getSeriesInstanceUid()
              + " without Grad-CAM map";
          case NO_SLICE -> "Verdict text only; the slice image was no longer available";
        })
        .comments(String.join("\n", VerdictPicture.lines(v, shows)));
    study.forEach(sc::attribute);
    return sc.build().write(picture);
  }
}
