package io.neurostream.imaging;

import java.awt.image.BufferedImage;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.EnumMap;
import java.util.Map;
import java.util.Objects;

/**
 * Writes an RGB picture (a slice with a heat map and text burned in) as a DICOM Secondary Capture
 * Image (SOP Class 1.2.840.10008.5.1.4.1.1.7), Part 10, Explicit VR Little Endian, 8 bits per
 * sample, interleaved RGB: Modality OT, Conversion Type WSD (workstation), Image Type
 * DERIVED\SECONDARY, Burned In Annotation YES. The patient and study attributes are copied from
 * the study the picture belongs to ({@link StudyAttribute}), so that a PACS files it under that
 * study; every Type 2 attribute not given is written empty. It shares {@link DicomElements} and
 * the Part 10 framing with {@link DicomWriter}.
 *
 * <pre>{@code
 * byte[] dcm = SecondaryCapture.builder().study(studyUid).series(seriesUid).sop(sopUid)
 *     .attribute(StudyAttribute.PATIENT_ID, "P-1").build().write(rgb);
 * }</pre>
 */
public final class SecondaryCapture {

  /** Secondary Capture Image Storage. */
  public static final String SOP_CLASS_UID = "1.2.840.10008.5.1.4.1.1.7";

  private static final DateTimeFormatter DA = DateTimeFormatter.ofPattern("yyyyMMdd");
  private static final DateTimeFormatter TM = DateTimeFormatter.ofPattern("HHmmss");

  /**
   * The Patient and General Study attributes a derived object repeats from its study (all Type 2
   * in the Secondary Capture IOD), with their tags (as QIDO-RS names them) and VRs.
   */
  public enum StudyAttribute {
    STUDY_DATE(0x00080020, "DA"),
    STUDY_TIME(0x00080030, "TM"),
    ACCESSION_NUMBER(0x00080050, "SH"),
    REFERRING_PHYSICIAN_NAME(0x00080090, "PN"),
    PATIENT_NAME(0x00100010, "PN"),
    PATIENT_ID(0x00100020, "LO"),
    PATIENT_BIRTH_DATE(0x00100030, "DA"),
    PATIENT_SEX(0x00100040, "CS"),
    STUDY_ID(0x00200010, "SH");

    private final int tag;
    private final String vr;

    StudyAttribute(int tag, String vr) {
      this.tag = tag;
      this.vr = vr;
    }

    /** The tag as eight hex digits, e.g. {@code 00100020}, as in DICOM JSON. */
    public String hex() {
      return String.format("%08X", tag);
    }

    /** The value representation, e.g. {@code PN}. */
    public String vr() {
      return vr;
    }
  }

  private final Builder b;

  private SecondaryCapture(Builder b) {
    this.b = b;
  }

  public static Builder builder() {
    return new Builder();
  }

  /** The picture as a Part 10 file. */
  public byte[] write(BufferedImage image) {
    Objects.requireNonNull(image, "image");
    int w = image.getWidth();
    int h = image.getHeight();
    if (w > 0xffff || h > 0xffff) {
      throw new IllegalArgumentException("DICOM Rows/Columns are 16-bit; image is " + w + "x" + h);
    }
    DicomElements ds = new DicomElements(false);
    ds.text(0x00080005, "CS", "ISO_IR 192");
    ds.text(0x00080008, "CS", "DERIVED\\SECONDARY");
    ds.text(0x00080012, "DA", DA.format(b.created));
    ds.text(0x00080013, "TM", TM.format(b.created));
    ds.uid(0x00080016, SOP_CLASS_UID);
    ds.uid(0x00080018, b.sopInstanceUid);
    attribute(ds, StudyAttribute.STUDY_DATE);
    ds.text(0x00080023, "DA", DA.format(b.created));
    attribute(ds, StudyAttribute.STUDY_TIME);
    ds.text(0x00080033, "TM", TM.format(b.created));
    attribute(ds, StudyAttribute.ACCESSION_NUMBER);
    ds.text(0x00080060, "CS", "OT");
    ds.text(0x00080064, "CS", "WSD");
    ds.text(0x00080070, "LO", "NeuroStream");
    attribute(ds, StudyAttribute.REFERRING_PHYSICIAN_NAME);
    ds.text(0x0008103E, "LO", b.seriesDescription);
    ds.text(0x00081090, "LO", "NeuroStream");
    if (b.derivation != null) {
      ds.text(0x00082111, "ST", b.derivation);
    }
    attribute(ds, StudyAttribute.PATIENT_NAME);
    attribute(ds, StudyAttribute.PATIENT_ID);
    attribute(ds, StudyAttribute.PATIENT_BIRTH_DATE);
    attribute(ds, StudyAttribute.PATIENT_SEX);
    if (b.softwareVersion != null) {
      ds.text(0x00181020, "LO", b.softwareVersion);
    }
    ds.uid(0x0020000D, b.studyInstanceUid);
    ds.uid(0x0020000E, b.seriesInstanceUid);
    attribute(ds, StudyAttribute.STUDY_ID);
    ds.text(0x00200011, "IS", Integer.toString(b.seriesNumber));
    ds.text(0x00200013, "IS", Integer.toString(b.instanceNumber));
    ds.text(0x00200020, "CS", ""); // Patient Orientation: unknown for a derived picture
    ds.text(0x00200060, "CS", ""); // Laterality: not stated
    if (b.comments != null) {
      ds.text(0x00204000, "LT", b.comments);
    }
    ds.us(0x00280002, 3);
    ds.text(0x00280004, "CS", "RGB");
    ds.us(0x00280006, 0);
    ds.us(0x00280010, h);
    ds.us(0x00280011, w);
    ds.us(0x00280100, 8);
    ds.us(0x00280101, 8);
    ds.us(0x00280102, 7);
    ds.us(0x00280103, 0);
    ds.text(0x00280301, "CS", "YES");
    ds.text(0x00282110, "CS", "00");
    byte[] pixels = new byte[w * h * 3];
    int[] row = new int[w];
    for (int y = 0; y < h; y++) {
      image.getRGB(0, y, w, 1, row, 0, w);
      for (int x = 0; x < w; x++) {
        int o = (y * w + x) * 3;
        pixels[o] = (byte) (row[x] >>> 16);
        pixels[o + 1] = (byte) (row[x] >>> 8);
        pixels[o + 2] = (byte) row[x];
      }
    }
    ds.add(0x7FE00010, "OB", pixels);
    return Part10.file(SOP_CLASS_UID, b.sopInstanceUid, TransferSyntax.EXPLICIT_VR_LITTLE_ENDIAN,
        ds.bytes());
  }

  private void attribute(DicomElements ds, StudyAttribute a) {
    ds.text(a.tag, a.vr, b.attributes.getOrDefault(a, ""));
  }

  /** Options of a {@link SecondaryCapture}; the three UIDs are required. */
  public static final class Builder {
    private String studyInstanceUid;
    private String seriesInstanceUid;
    private String sopInstanceUid;
    private final Map<StudyAttribute, String> attributes = new EnumMap<>(StudyAttribute.class);
    private String seriesDescription = "";
    private int seriesNumber = 1;
    private int instanceNumber = 1;
    private String derivation;
    private String comments;
    private String softwareVersion;
    private LocalDateTime created = LocalDateTime.now();

    private Builder() {}

    public Builder study(String uid) {
      this.studyInstanceUid = uid;
      return this;
    }

    public Builder series(String uid) {
      this.seriesInstanceUid = uid;
      return this;
    }

    public Builder sop(String uid) {
      this.sopInstanceUid = uid;
      return this;
    }

    /** A patient or study attribute copied from the source study (blank values are left empty). */
    public Builder attribute(StudyAttribute attribute, String value) {
      if (value != null && !value.isBlank()) {
        attributes.put(attribute, value);
      }
      return this;
    }

    /** Series Description (0008,103E). */
    public Builder seriesDescription(String description) {
      this.seriesDescription = Objects.requireNonNull(description);
      return this;
    }

    /** Series Number (0020,0011); default 1. */
    public Builder seriesNumber(int n) {
      this.seriesNumber = n;
      return this;
    }

    /** Instance Number (0020,0013); default 1. */
    public Builder instanceNumber(int n) {
      this.instanceNumber = n;
      return this;
    }

    /** Derivation Description (0008,2111): how the picture was made. */
    public Builder derivation(String text) {
      this.derivation = text;
      return this;
    }

    /** Image Comments (0020,4000). */
    public Builder comments(String text) {
      this.comments = text;
      return this;
    }

    /** Software Versions (0018,1020), e.g. the model version. */
    public Builder softwareVersion(String version) {
      this.softwareVersion = version;
      return this;
    }

    /** Instance creation and content date/time (default now, local time). */
    public Builder created(LocalDateTime at) {
      this.created = Objects.requireNonNull(at);
      return this;
    }

    public SecondaryCapture build() {
      Builder copy = new Builder();
      copy.studyInstanceUid = DicomWriter.Builder.requireUid(studyInstanceUid);
      copy.seriesInstanceUid = DicomWriter.Builder.requireUid(seriesInstanceUid);
      copy.sopInstanceUid = DicomWriter.Builder.requireUid(sopInstanceUid);
      copy.attributes.putAll(attributes);
      copy.seriesDescription = seriesDescription;
      copy.seriesNumber = seriesNumber;
      copy.instanceNumber = instanceNumber;
      copy.derivation = derivation;
      copy.comments = comments;
      copy.softwareVersion = softwareVersion;
      copy.created = created;
      return new SecondaryCapture(copy);
    }
  }
}
