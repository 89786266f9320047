package io.neurostream.ingest;

import io.neurostream.avro.ImageEncoding;
import io.neurostream.avro.ScanEvent;
import io.neurostream.avro.ScanIdentity;
import io.neurostream.imaging.DicomReader;
import io.neurostream.imaging.DicomSlice;
import io.neurostream.imaging.DicomWriter;
import io.neurostream.imaging.ImageDecodeException;
import io.neurostream.imaging.ImageDecoder;
import io.neurostream.imaging.PatientKeys;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;
import javax.imageio.ImageIO;
import javax.imageio.ImageReader;
import javax.imageio.stream.ImageInputStream;

/**
 * Image files as ScanEvents. DICOM Part 10 files bring their own UIDs and PatientID (which is only
 * ever published as a keyed hash); PNG and JPEG get deterministic {@code 2.25.} UIDs from their
 * path relative to the folder given, and their subject from that folder's {@code manifest.csv}
 * or their directory name.
 *
 * <p>A DICOM file is never forwarded as it is: its header holds the patient's name, id and birth
 * date. The event carries a de-identified re-encoding instead (DICOM Part 10 with the same UIDs,
 * instance number and acquisition time, the decoded pixels, and no patient module), and the
 * non-identifying attributes the reader extracts (modality, field strength) go to
 * {@code attributes}.
 */
public final class ScanFiles {

  /** Where the patient behind a file is read from. */
  public enum KeySource {
    /** DICOM PatientID for DICOM files, else the manifest's subject, else the directory. */
    AUTO,
    /** The subject column of {@code manifest.csv}. */
    MANIFEST,
    /** The DICOM PatientID (DICOM files only). */
    DICOM,
    /** The name of the file's directory. */
    DIR
  }

  /** A file to read, and the folder its identity is relative to. */
  public record Item(Path root, Path file) {}


  private final KeySource keySource;
  private final PatientKeys patientKeys;
  private final String source;
  private final Map<Path, Optional<Manifest>> manifests = new HashMap<>();

  public ScanFiles(KeySource keySource, PatientKeys patientKeys, String source) {
    this.keySource = keySource;
    this.patientKeys = patientKeys;
    this.source = source;
  }

  /** Every PNG, JPEG or DICOM file under {@code paths}, in a stable order. */
  public static List<Item> list(List<Path> paths) throws IOException {
    List<Item> items = new ArrayList<>();
    for (Path p : paths) {
      Path abs = p.toAbsolutePath().normalize();
      if (Files.isDirectory(abs)) {
        try (Stream<Path> walk = Files.walk(abs)) {
          walk.filter(Files::isRegularFile).filter(ScanFiles::isImageName).sorted()
              .forEach(f -> items.add(new Item(abs, f)));
        }
      } else if (Files.isRegularFile(abs)) {
        items.add(new Item(abs.getParent(), abs));
      } else {
        throw new IOException(p + " does not exist; give image files or folders of them");
      }
    }
    return items;
  }

  private static boolean isImageName(Path f) {
    String n = f.getFileName().toString().toLowerCase(Locale.ROOT);
    return n.endsWith(".png") || n.endsWith(".jpg") || n.endsWith(".jpeg") || n.endsWith(".dcm")
        || n.endsWith(".dicom") || !n.contains(".");
  }

  /**
   * Reads one file into a ScanEvent.
   *
   * @throws IOException if it cannot be read
   * @throws ImageDecodeException if it is not a PNG, JPEG or readable DICOM file
   */
  public ScanEvent read(Item item) throws IOException {
    byte[] bytes = Files.readAllBytes(item.file());
    String rel = item.root().relativize(item.file()).toString().replace('\\', '/');
    if (DicomReader.looksLikeDicom(bytes)) {
      return dicom(item, rel, bytes);
    }
    // the classifier's decoder checks the same signature, so what is published here decodes there
    ImageEncoding encoding = ImageDecoder.signature(bytes)
        .filter(e -> e == ImageEncoding.PNG || e == ImageEncoding.JPEG).orElse(null);
    if (encoding == null) {
      throw new ImageDecodeException(ImageDecodeException.Reason.IMAGE_DECODE_FAILED,
          item.file() + " is neither PNG, JPEG nor DICOM Part 10");
    }
    int[] size = dimensions(bytes, item.file());
    Optional<Manifest.Entry> row = manifest(item.root()).flatMap(m -> m.entry(item.file()));
    String subject = subject(item, row);
    String series = item.root().relativize(item.file().getParent()).toString();
    return ScanEvent.newBuilder()
        .setIdentity(ScanIdentity.newBuilder()
            .setStudyInstanceUid(Uids.of("study", subject))
            .setSeriesInstanceUid(Uids.of("series", subject + "|" + series))
            .setSopInstanceUid(Uids.of("sop", rel))
            .setPatientKey(patientKeys.of(subject))
            .build())
        .setAcquisitionTime(Instant.now())
        .setSource(source)
        .setSliceIndex(row.map(Manifest.Entry::slice).orElse(null))
        .setEncoding(encoding)
        .setWidth(size[0])
        .setHeight(size[1])
        .setImage(ByteBuffer.wrap(bytes))
        .setAttributes(Map.of())
        .build();
  }

  private String subject(Item item, Optional<Manifest.Entry> row) {
    switch (keySource) {
      case DICOM -> throw new ImageDecodeException(ImageDecodeException.Reason.IMAGE_DECODE_FAILED,
          item.file() + " is not DICOM, so it has no PatientID; use --patient-key-from "
              + "manifest or dir");
      case MANIFEST -> {
        return row.map(Manifest.Entry::subject).orElseThrow(() -> new IllegalArgumentException(
            item.file() + " is not in " + item.root().resolve(Manifest.FILE_NAME)
                + "; add it or use --patient-key-from dir"));
      }
      case DIR -> {
        return item.file().getParent().getFileName().toString();
      }
      default -> {
        return row.map(Manifest.Entry::subject)
            .orElse(item.file().getParent().getFileName().toString());
      }
    }
  }

  private ScanEvent dicom(Item item, String rel, byte[] bytes) {
    DicomSlice slice = DicomReader.read(bytes);
    String patient;
    if (keySource == KeySource.AUTO || keySource == KeySource.DICOM) {
      if (slice.patientId() == null || slice.patientId().isBlank()) {
        throw new IllegalArgumentException(item.file() + " has no PatientID (0010,0020); use "
            + "--patient-key-from manifest or dir");
      }
      patient = slice.patientId();
    } else {
      patient = subject(item, manifest(item.root()).flatMap(m -> m.entry(item.file())));
    }
    String study = orElse(slice.studyInstanceUid(), Uids.of("study", patient));
    String series = orElse(slice.seriesInstanceUid(), Uids.of("series", study + "|" + rel));
    String sop = orElse(slice.sopInstanceUid(), Uids.of("sop", rel));
    return ScanEvent.newBuilder()
        .setIdentity(ScanIdentity.newBuilder()
            .setStudyInstanceUid(study)
            .setSeriesInstanceUid(series)
            .setSopInstanceUid(sop)
            .setPatientKey(patientKeys.of(patient))
            .build())
        .setAcquisitionTime(slice.acquisitionInstant().orElse(Instant.now()))
        .setSource(source)
        .setSliceIndex(slice.instanceNumber() == null ? null : slice.instanceNumber() - 1)
        .setEncoding(ImageEncoding.DICOM)
        .setWidth(slice.pixelFormat().columns())
        .setHeight(slice.pixelFormat().rows())
        .setImage(ByteBuffer.wrap(deidentified(slice, study, series, sop)))
        .setAttributes(slice.attributes())
        .build();
  }

  /** The slice as a new Part 10 file: UIDs, instance, time and pixels; no patient module. */
  private static byte[] deidentified(DicomSlice slice, String study, String series, String sop) {
    DicomWriter.Builder writer = DicomWriter.builder()
        .optStudyInstanceUid(study)
        .optSeriesInstanceUid(series)
        .optSopInstanceUid(sop);
    if (slice.instanceNumber() != null) {
      writer.optInstanceNumber(slice.instanceNumber());
    }
    if (slice.acquisitionDateTime() != null) {
      writer.optAcquisitionDateTime(slice.acquisitionDateTime());
    }
    return writer.build().write(slice.image());
  }

  private Optional<Manifest> manifest(Path root) {
    return manifests.computeIfAbsent(root, Manifest::in);
  }

  private static String orElse(String value, String fallback) {
    return value == null || value.isBlank() ? fallback : value;
  }

  /** Width and height from the image header, without decoding the pixels. */
  private static int[] dimensions(byte[] bytes, Path file) throws IOException {
    try (ImageInputStream in = ImageIO.createImageInputStream(new ByteArrayInputStream(bytes))) {
      Iterator<ImageReader> readers = ImageIO.getImageReaders(in);
      if (!readers.hasNext()) {
        throw new ImageDecodeException(ImageDecodeException.Reason.IMAGE_DECODE_FAILED,
            file + " has no readable image header");
      }
      ImageReader reader = readers.next();
      try {
        reader.setInput(in);
        return new int[] {reader.getWidth(0), reader.getHeight(0)};
      } finally {
        reader.dispose();
      }
    }
  }
}
