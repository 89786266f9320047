package io.neurostream.phantom;

import io.neurostream.imaging.DicomWriter;
import io.neurostream.imaging.TransferSyntax;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.function.IntConsumer;
import java.util.stream.Stream;

/**
 * Writes each phantom subject as one MR series of DICOM files, as a PACS would hold it:
 * {@code DIR/<stage>/<subject>/IM<nnnn>.dcm}, 16-bit (12 bits stored), one study and one series
 * per subject with UIDs derived from the seed and the subject (the same seed gives the same
 * UIDs), Instance Number 1..N from the lowest slice, Image Position Patient and Slice Location 5
 * mm apart, Images in Acquisition N, the subject id as Patient ID, and {@code DIR/manifest.csv}
 * ({@code file,subject,slice,class}) as for PNG data sets.
 */
public final class PhantomSeriesWriter {

  /** Slice spacing in mm. */
  public static final double SLICE_SPACING_MM = 5.0;

  private PhantomSeriesWriter() {}

  /**
   * Renders and writes the series; {@code dir} must be absent or empty.
   *
   * @param syntax one of {@link DicomWriter#WRITABLE}
   * @param onImage called with the number of files written so far
   * @return the number of files written
   */
  public static int write(PhantomGenerator generator, long seed, Path dir, int subjects,
      int slicesPerSubject, TransferSyntax syntax, IntConsumer onImage) {
    DicomWriter.builder().optTransferSyntax(syntax); // refuses what it cannot write, before work
    prepare(dir);
    List<String> manifest = new ArrayList<>();
    manifest.add(PhantomDatasetWriter.MANIFEST_HEADER);
    LocalDateTime acquired = LocalDateTime.of(2026, 1, 5, 9, 0);
    int done = 0;
    int size = generator.size();
    for (PhantomSubject subject : generator.subjects(subjects, slicesPerSubject)) {
      String base = "neurostream-phantom/" + seed + "/" + subject.id();
      String study = DicomWriter.uidFromName(base + "/study");
      String series = DicomWriter.uidFromName(base + "/series");
      Path folder = dir.resolve(subject.stage().name()).resolve(subject.id());
      for (int slice = 0; slice < slicesPerSubject; slice++) {
        double z = slice * SLICE_SPACING_MM;
        byte[] dcm = DicomWriter.builder()
            .optTransferSyntax(syntax)
            .optStudyInstanceUid(study)
            .optSeriesInstanceUid(series)
            .optSopInstanceUid(DicomWriter.uidFromName(base + "/slice/" + slice))
            .optPatientId(subject.id())
            .optSeriesDescription("NeuroStream phantom T1 axial (synthetic, not a patient)")
            .optInstanceNumber(slice + 1)
            .optImagePosition(-size / 2.0, -size / 2.0, z)
            .optSliceLocation(z)
            .optImagesInAcquisition(slicesPerSubject)
            .optAcquisitionDateTime(acquired.plusMinutes(subject.index()))
            .build()
            .write(generator.render(subject, slice));
        String file = subject.stage().name() + "/" + subject.id() + "/"
            + String.format("IM%04d.dcm", slice + 1);
        try {
          Files.createDirectories(folder);
          Files.write(dir.resolve(file), dcm);
        } catch (IOException e) {
          throw new UncheckedIOException("cannot write " + dir.resolve(file) + ": "
              + e.getMessage(), e);
        }
        manifest.add(file + "," + subject.id() + "," + slice + "," + subject.stage().name());
        onImage.accept(++done);
      }
    }
    try {
      Files.write(dir.resolve(PhantomDatasetWriter.MANIFEST), manifest, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write the manifest in " + dir + ": "
          + e.getMessage(), e);
    }
    return done;
  }

  private static void prepare(Path dir) {
    try {
      if (Files.isDirectory(dir)) {
        try (Stream<Path> s = Files.list(dir)) {
          if (s.findAny().isPresent()) {
            throw new IllegalArgumentException(dir + " is not empty; choose a new --out directory");
          }
        }
      }
      Files.createDirectories(dir);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot prepare " + dir + ": " + e.getMessage(), e);
    }
  }
}
