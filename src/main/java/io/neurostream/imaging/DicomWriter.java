package io.neurostream.imaging;

import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.Objects;
import java.util.UUID;

/**
 * Writes a {@link GrayImage} (or several, as frames) as a minimal MR Image DICOM Part 10 file:
 * MONOCHROME2 (or MONOCHROME1 on request), 8-bit or 16-bit (12 bits stored), with a VOI window
 * spanning the stored range so that {@link DicomReader} gives back the image up to quantization,
 * in Explicit or Implicit VR Little Endian, Deflated Explicit VR Little Endian or RLE Lossless
 * (for JPEG and JPEG 2000, transcode with dcmtk or GDCM). Series geometry (Image Position
 * Patient, Slice Location, Images in Acquisition) is optional. It exists so that tests, demos and
 * {@code generate --format dicom} can make DICOM files from phantoms; it is not a general DICOM
 * encoder.
 *
 * <pre>{@code
 * byte[] dcm = DicomWriter.builder().optPatientId("sub-0007").optInstanceNumber(3).build().write(img);
 * }</pre>
 */
public final class DicomWriter {

  /** MR Image Storage. */
  static final String MR_IMAGE_STORAGE = "1.2.840.10008.5.1.4.1.1.4";

  private static final DateTimeFormatter DT = DateTimeFormatter.ofPattern("yyyyMMddHHmmss.SSSSSS");

  /** The transfer syntaxes this writer writes itself. */
  public static final java.util.Set<TransferSyntax> WRITABLE = java.util.EnumSet.of(
      TransferSyntax.EXPLICIT_VR_LITTLE_ENDIAN, TransferSyntax.IMPLICIT_VR_LITTLE_ENDIAN,
      TransferSyntax.DEFLATED_EXPLICIT_VR_LITTLE_ENDIAN, TransferSyntax.RLE_LOSSLESS);

  private final Builder b;

  private DicomWriter(Builder builder) {
    this.b = builder;
  }

  /** A writer builder; every attribute is optional (UIDs default to fresh random ones). */
  public static Builder builder() {
    return new Builder();
  }

  /** A new random UID in the {@code 2.25} (UUID-derived) arc. */
  public static String newUid() {
    return uuidToUid(UUID.randomUUID());
  }

  /** A stable UID in the {@code 2.25} arc derived from {@code name}, for reproducible test data. */
  public static String uidFromName(String name) {
    return uuidToUid(UUID.nameUUIDFromBytes(name.getBytes(StandardCharsets.UTF_8)));
  }

  private static String uuidToUid(UUID uuid) {
    ByteBuffer bytes = ByteBuffer.allocate(16);
    bytes.putLong(uuid.getMostSignificantBits()).putLong(uuid.getLeastSignificantBits());
    return "2.25." + new BigInteger(1, bytes.array());
  }

  /** The image as DICOM Part 10 bytes. */
  public byte[] write(GrayImage image) {
    Objects.requireNonNull(image, "image");
    return writeFrames(image);
  }

  /** The images, all of one size, as the frames of one multi-frame instance. */
  public byte[] writeFrames(GrayImage... frames) {
    if (frames.length == 0) {
      throw new IllegalArgumentException("at least one frame is needed");
    }
    GrayImage image = frames[0];
    for (GrayImage f : frames) {
      if (f.width() != image.width() || f.height() != image.height()) {
        throw new IllegalArgumentException("frames differ in size: " + f + " and " + image);
      }
    }
    if (image.width() > 0xffff || image.height() > 0xffff) {
      throw new IllegalArgumentException("DICOM Rows/Columns are 16-bit; image is " + image);
    }
    int maxStored = b.bitsAllocated == 8 ? 255 : 4095;
    DicomElements ds = new DicomElements(b.syntax == TransferSyntax.IMPLICIT_VR_LITTLE_ENDIAN);
    ds.text(0x00080005, "CS", "ISO_IR 192");
    ds.uid(0x00080016, MR_IMAGE_STORAGE);
    ds.uid(0x00080018, b.sopInstanceUid);
    if (b.acquisitionDateTime != null) {
      ds.text(0x0008002A, "DT", DT.format(b.acquisitionDateTime));
    }
    ds.text(0x00080060, "CS", "MR");
    if (b.seriesDescription != null) {
      ds.text(0x0008103E, "LO", b.seriesDescription);
    }
    if (b.patientId != null) {
      ds.text(0x00100020, "LO", b.patientId);
    }
    ds.uid(0x0020000D, b.studyInstanceUid);
    ds.uid(0x0020000E, b.seriesInstanceUid);
    if (b.instanceNumber != null) {
      ds.text(0x00200013, "IS", Integer.toString(b.instanceNumber));
    }
    if (b.imagePosition != null) {
      ds.text(0x00200032, "DS", decimalString(b.imagePosition[0]) + "\\"
          + decimalString(b.imagePosition[1]) + "\\" + decimalString(b.imagePosition[2]));
      ds.text(0x00200037, "DS", "1\\0\\0\\0\\1\\0"); // axial
    }
    if (b.imagesInAcquisition != null) {
      ds.text(0x00201002, "IS", Integer.toString(b.imagesInAcquisition));
    }
    if (b.sliceLocation != null) {
      ds.text(0x00201041, "DS", decimalString(b.sliceLocation));
    }
    ds.us(0x00280002, 1);
    ds.text(0x00280004, "CS", b.monochrome1 ? "MONOCHROME1" : "MONOCHROME2");
    if (frames.length > 1) {
      ds.text(0x00280008, "IS", Integer.toString(frames.length));
    }
    ds.us(0x00280010, image.height());
    ds.us(0x00280011, image.width());
    ds.us(0x00280100, b.bitsAllocated);
    ds.us(0x00280101, b.bitsAllocated == 8 ? 8 : 12);
    ds.us(0x00280102, b.bitsAllocated == 8 ? 7 : 11);
    ds.us(0x00280103, 0);
    if (b.window) {
      // a window whose ends are exactly the modality values of stored 0 and stored max
      double width = b.rescaleSlope * maxStored + 1;
      double center = b.rescaleIntercept + 0.5 + b.rescaleSlope * maxStored / 2;
      ds.text(0x00281050, "DS", decimalString(center));
      ds.text(0x00281051, "DS", decimalString(width));
    }
    ds.text(0x00281052, "DS", decimalString(b.rescaleIntercept));
    ds.text(0x00281053, "DS", decimalString(b.rescaleSlope));

    int frameBytes = image.pixels().length * (b.bitsAllocated / 8);
    byte[] pixels = new byte[frameBytes * frames.length];
    for (int f = 0; f < frames.length; f++) {
      float[] p = frames[f].pixels();
      int base = f * frameBytes;
      for (int i = 0; i < p.length; i++) {
        float v = b.monochrome1 ? 1f - p[i] : p[i];
        int stored = Math.round(v * maxStored);
        if (b.bitsAllocated == 8) {
          pixels[base + i] = (byte) stored;
        } else {
          pixels[base + 2 * i] = (byte) stored;
          pixels[base + 2 * i + 1] = (byte) (stored >>> 8);
        }
      }
    }
    if (b.syntax == TransferSyntax.RLE_LOSSLESS) {
      ds.encapsulated(0x7FE00010, RleEncoder.frames(pixels, frames.length, b.bitsAllocated / 8));
    } else {
      ds.add(0x7FE00010, b.bitsAllocated == 8 ? "OB" : "OW", pixels);
    }

    return Part10.file(MR_IMAGE_STORAGE, b.sopInstanceUid, b.syntax, ds.bytes());
  }

  static String decimalString(double v) {
    String s = v == Math.rint(v) && Math.abs(v) < 1e15 ? Long.toString((long) v) : Double.toString(v);
    return s.length() > 16 ? String.format("%.10g", v).trim() : s;
  }

  /** Options of a {@link DicomWriter}; all optional. */
  public static final class Builder {
    private String studyInstanceUid = newUid();
    private String seriesInstanceUid = newUid();
    private String sopInstanceUid = newUid();
    private String patientId;
    private Integer instanceNumber;
    private LocalDateTime acquisitionDateTime;
    private int bitsAllocated = 16;
    private boolean monochrome1;
    private double rescaleSlope = 1;
    private double rescaleIntercept;
    private boolean window = true;
    private TransferSyntax syntax = TransferSyntax.EXPLICIT_VR_LITTLE_ENDIAN;
    private double[] imagePosition;
    private Double sliceLocation;
    private Integer imagesInAcquisition;
    private String seriesDescription;

    private Builder() {}

    public Builder optStudyInstanceUid(String uid) {
      this.studyInstanceUid = requireUid(uid);
      return this;
    }

    public Builder optSeriesInstanceUid(String uid) {
      this.seriesInstanceUid = requireUid(uid);
      return this;
    }

    public Builder optSopInstanceUid(String uid) {
      this.sopInstanceUid = requireUid(uid);
      return this;
    }

    /** Patient ID (0010,0020); use only pseudonyms in test data. */
    public Builder optPatientId(String patientId) {
      this.patientId = patientId;
      return this;
    }

    public Builder optInstanceNumber(int instanceNumber) {
      this.instanceNumber = instanceNumber;
      return this;
    }

    /** Written as AcquisitionDateTime (0008,002A) without a timezone offset. */
    public Builder optAcquisitionDateTime(LocalDateTime dateTime) {
      this.acquisitionDateTime = dateTime;
      return this;
    }

    /** 8 (8 bits stored) or 16 (12 bits stored, as MR scanners do); default 16. */
    public Builder optBitsAllocated(int bits) {
      if (bits != 8 && bits != 16) {
        throw new IllegalArgumentException("bitsAllocated must be 8 or 16, got " + bits);
      }
      this.bitsAllocated = bits;
      return this;
    }

    /** Store inverted values labelled MONOCHROME1 (white = low), to test readers' inversion. */
    public Builder optMonochrome1(boolean monochrome1) {
      this.monochrome1 = monochrome1;
      return this;
    }

    /** Modality LUT: RescaleSlope (positive) and RescaleIntercept. */
    public Builder optRescale(double slope, double intercept) {
      if (!(slope > 0) || !Double.isFinite(intercept)) {
        throw new IllegalArgumentException("rescale slope must be > 0 and intercept finite");
      }
      this.rescaleSlope = slope;
      this.rescaleIntercept = intercept;
      return this;
    }

    /** Whether to write WindowCenter/Width (default true); without, readers window by min/max. */
    public Builder optWindow(boolean window) {
      this.window = window;
      return this;
    }

    /** Implicit VR Little Endian instead of the default Explicit VR Little Endian. */
    public Builder optImplicitVr(boolean implicitVr) {
      this.syntax = implicitVr ? TransferSyntax.IMPLICIT_VR_LITTLE_ENDIAN
          : TransferSyntax.EXPLICIT_VR_LITTLE_ENDIAN;
      return this;
    }

    /**
     * The transfer syntax: Explicit (default) or Implicit VR Little Endian, Deflated Explicit VR
     * Little Endian, or RLE Lossless; others are refused naming the tool that writes them.
     */
    public Builder optTransferSyntax(TransferSyntax syntax) {
      if (!WRITABLE.contains(syntax)) {
        throw new IllegalArgumentException("cannot write " + syntax + "; write "
            + "Explicit VR Little Endian and transcode, e.g. 'dcmcjpeg +e1' (JPEG Lossless), "
            + "'dcmcjpeg +eb' (JPEG Baseline, 8-bit), 'gdcmconv --j2k' (JPEG 2000), "
            + "'dcmconv +tb' (Big Endian)");
      }
      this.syntax = syntax;
      return this;
    }

    /** Image Position (Patient) in mm; also writes an axial Image Orientation (Patient). */
    public Builder optImagePosition(double x, double y, double z) {
      this.imagePosition = new double[] {x, y, z};
      return this;
    }

    /** Slice Location (0020,1041) in mm. */
    public Builder optSliceLocation(double mm) {
      this.sliceLocation = mm;
      return this;
    }

    /** Images in Acquisition (0020,1002): the number of slices of the series. */
    public Builder optImagesInAcquisition(int count) {
      this.imagesInAcquisition = count;
      return this;
    }

    /** Series Description (0008,103E). */
    public Builder optSeriesDescription(String description) {
      this.seriesDescription = description;
      return this;
    }

    /** A writer with a snapshot of these options (later changes to the builder do not leak). */
    public DicomWriter build() {
      Builder copy = new Builder();
      copy.studyInstanceUid = studyInstanceUid;
      copy.seriesInstanceUid = seriesInstanceUid;
      copy.sopInstanceUid = sopInstanceUid;
      copy.patientId = patientId;
      copy.instanceNumber = instanceNumber;
      copy.acquisitionDateTime = acquisitionDateTime;
      copy.bitsAllocated = bitsAllocated;
      copy.monochrome1 = monochrome1;
      copy.rescaleSlope = rescaleSlope;
      copy.rescaleIntercept = rescaleIntercept;
      copy.window = window;
      copy.syntax = syntax;
      copy.imagePosition = imagePosition == null ? null : imagePosition.clone();
      copy.sliceLocation = sliceLocation;
      copy.imagesInAcquisition = imagesInAcquisition;
      copy.seriesDescription = seriesDescription;
      return new DicomWriter(copy);
    }

    static String requireUid(String uid) {
      if (uid == null || uid.isEmpty() || uid.length() > 64 || !uid.matches("[0-9.]+")) {
        throw new IllegalArgumentException(
            "'" + uid + "' is not a DICOM UID (digits and dots, at most 64 characters)");
      }
      return uid;
    }
  }
}
