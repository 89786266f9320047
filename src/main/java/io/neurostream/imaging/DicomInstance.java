package io.neurostream.imaging;

import io.neurostream.imaging.DataSetParser.Element;
import io.neurostream.imaging.ImageDecodeException.Reason;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * A parsed DICOM instance: its identifying and geometric header attributes, and its frames, which
 * are decoded one at a time by {@link #frame(int)} (so a 200-frame Enhanced MR instance never
 * holds 200 decoded images). Each frame's geometry ({@link #imagePositionPatient(int)}, {@link
 * #sliceLocation(int)}) comes from its Per-frame Functional Groups (5200,9230), else the Shared
 * Functional Groups (5200,9229), else the top-level attributes. Made by {@link DicomReader#open};
 * not thread-safe.
 */
public final class DicomInstance {

  private static final int SPECIFIC_CHARACTER_SET = 0x00080005;
  private static final int SOP_CLASS_UID = 0x00080016;
  private static final int SOP_INSTANCE_UID = 0x00080018;
  private static final int ACQUISITION_DATE = 0x00080022;
  private static final int ACQUISITION_TIME = 0x00080032;
  private static final int ACQUISITION_DATE_TIME = 0x0008002A;
  private static final int MODALITY = 0x00080060;
  private static final int TIMEZONE_OFFSET = 0x00080201;
  private static final int PATIENT_ID = 0x00100020;
  private static final int MAGNETIC_FIELD_STRENGTH = 0x00180087;
  private static final int STUDY_INSTANCE_UID = 0x0020000D;
  private static final int SERIES_INSTANCE_UID = 0x0020000E;
  private static final int INSTANCE_NUMBER = 0x00200013;
  private static final int IMAGE_POSITION_PATIENT = 0x00200032;
  private static final int IMAGE_ORIENTATION_PATIENT = 0x00200037;
  private static final int PLANE_POSITION_SEQUENCE = 0x00209113;
  private static final int PLANE_ORIENTATION_SEQUENCE = 0x00209116;
  private static final int SHARED_FUNCTIONAL_GROUPS = 0x52009229;
  private static final int PER_FRAME_FUNCTIONAL_GROUPS = 0x52009230;
  private static final int IMAGES_IN_ACQUISITION = 0x00201002;
  private static final int SLICE_LOCATION = 0x00201041;
  static final int SAMPLES_PER_PIXEL = 0x00280002;
  static final int PHOTOMETRIC = 0x00280004;
  static final int NUMBER_OF_FRAMES = 0x00280008;
  static final int ROWS = 0x00280010;
  static final int COLUMNS = 0x00280011;
  static final int BITS_ALLOCATED = 0x00280100;
  static final int BITS_STORED = 0x00280101;
  static final int PIXEL_REPRESENTATION = 0x00280103;
  static final int WINDOW_CENTER = 0x00281050;
  static final int WINDOW_WIDTH = 0x00281051;
  static final int RESCALE_INTERCEPT = 0x00281052;
  static final int RESCALE_SLOPE = 0x00281053;
  private static final int FLOAT_PIXEL_DATA = 0x7FE00008;
  private static final int DOUBLE_PIXEL_DATA = 0x7FE00009;

  static final Set<Integer> WANTED = Set.of(
      SPECIFIC_CHARACTER_SET, SOP_CLASS_UID, SOP_INSTANCE_UID, ACQUISITION_DATE, ACQUISITION_TIME,
      ACQUISITION_DATE_TIME, MODALITY, TIMEZONE_OFFSET, PATIENT_ID, MAGNETIC_FIELD_STRENGTH,
      STUDY_INSTANCE_UID, SERIES_INSTANCE_UID, INSTANCE_NUMBER, IMAGE_POSITION_PATIENT,
      IMAGE_ORIENTATION_PATIENT, IMAGES_IN_ACQUISITION, SLICE_LOCATION, SAMPLES_PER_PIXEL, PHOTOMETRIC, NUMBER_OF_FRAMES, ROWS,
      COLUMNS, BITS_ALLOCATED, BITS_STORED, PIXEL_REPRESENTATION, WINDOW_CENTER, WINDOW_WIDTH,
      RESCALE_INTERCEPT, RESCALE_SLOPE, DataSetParser.PIXEL_DATA, FLOAT_PIXEL_DATA,
      DOUBLE_PIXEL_DATA);

  /** The sequences read into items: the functional groups and the plane macros inside them. */
  static final Set<Integer> SEQUENCES = Set.of(SHARED_FUNCTIONAL_GROUPS,
      PER_FRAME_FUNCTIONAL_GROUPS, PLANE_POSITION_SEQUENCE, PLANE_ORIENTATION_SEQUENCE);

  private final TransferSyntax syntax;
  private final DataSetParser parser;
  private final Map<Integer, Element> found;
  private final Charset charset;
  private final DicomSlice.PixelFormat format;
  private final PixelFrames frames;

  DicomInstance(TransferSyntax syntax, DataSetParser parser, Map<Integer, Element> found,
      byte[] data, DecodeLimits limits) {
    this.syntax = syntax;
    this.parser = parser;
    this.found = found;
    this.charset = found.containsKey(SPECIFIC_CHARACTER_SET)
        && text(SPECIFIC_CHARACTER_SET).contains("ISO_IR 192")
        ? StandardCharsets.UTF_8 : StandardCharsets.ISO_8859_1;
    this.format = pixelFormat(limits);
    Element pixels = found.get(DataSetParser.PIXEL_DATA);
    if (pixels == null) {
      String which = found.containsKey(FLOAT_PIXEL_DATA) || found.containsKey(DOUBLE_PIXEL_DATA)
          ? "has only float pixel data (7FE0,0008/0009), which is not supported"
          : "has no Pixel Data (7FE0,0010)";
      throw DataSetParser.failed("DICOM file " + which);
    }
    int declared = found.containsKey(NUMBER_OF_FRAMES) ? (int) decimal(NUMBER_OF_FRAMES, 1) : 1;
    this.frames = new PixelFrames(syntax, data, pixels, format, declared, parser);
  }

  private DicomSlice.PixelFormat pixelFormat(DecodeLimits limits) {
    int samples = intValue(SAMPLES_PER_PIXEL, 1);
    String photometric = found.containsKey(PHOTOMETRIC) ? text(PHOTOMETRIC) : "MONOCHROME2";
    if (samples != 1 || !(photometric.equals("MONOCHROME1") || photometric.equals("MONOCHROME2"))) {
      throw new ImageDecodeException(Reason.UNSUPPORTED_PIXEL_FORMAT,
          "DICOM pixels are " + photometric + " with " + samples + " samples per pixel; only "
              + "grayscale (MONOCHROME1/MONOCHROME2, 1 sample per pixel) is supported");
    }
    if (!found.containsKey(ROWS) || !found.containsKey(COLUMNS)) {
      throw DataSetParser.failed("DICOM file lacks Rows (0028,0010) or Columns (0028,0011)");
    }
    int rows = intValue(ROWS, 0);
    int cols = intValue(COLUMNS, 0);
    limits.check(cols, rows, "DICOM Rows/Columns");
    int bitsAllocated = intValue(BITS_ALLOCATED, 0);
    if (bitsAllocated != 8 && bitsAllocated != 16) {
      throw new ImageDecodeException(Reason.UNSUPPORTED_PIXEL_FORMAT,
          "DICOM BitsAllocated (0028,0100) is " + bitsAllocated + "; only 8 and 16 are supported");
    }
    int bitsStored = intValue(BITS_STORED, bitsAllocated);
    if (bitsStored < 1 || bitsStored > bitsAllocated) {
      bitsStored = bitsAllocated;
    }
    boolean signed = intValue(PIXEL_REPRESENTATION, 0) == 1;
    double slope = found.containsKey(RESCALE_SLOPE) ? decimal(RESCALE_SLOPE, 1) : 1;
    double intercept = found.containsKey(RESCALE_INTERCEPT) ? decimal(RESCALE_INTERCEPT, 0) : 0;
    if (slope == 0 || !Double.isFinite(slope)) {
      slope = 1;
    }
    if (!Double.isFinite(intercept)) {
      intercept = 0;
    }
    Double center = decimalOrNull(WINDOW_CENTER);
    Double width = decimalOrNull(WINDOW_WIDTH);
    return new DicomSlice.PixelFormat(rows, cols, bitsAllocated, bitsStored, signed, photometric,
        slope, intercept, center, width);
  }

  /** The transfer syntax the instance was encoded in. */
  public TransferSyntax transferSyntax() {
    return syntax;
  }

  /** How many frames the instance holds (1 for a classic single-slice image). */
  public int frames() {
    return frames.count();
  }

  /** Rows, columns, bits and intensity mapping. */
  public DicomSlice.PixelFormat pixelFormat() {
    return format;
  }

  /** SOP Instance UID (0008,0018), empty when absent. */
  public String sopInstanceUid() {
    return textOrEmpty(SOP_INSTANCE_UID);
  }

  /** SOP Class UID (0008,0016), empty when absent. */
  public String sopClassUid() {
    return textOrEmpty(SOP_CLASS_UID);
  }

  /** Study Instance UID (0020,000D), empty when absent. */
  public String studyInstanceUid() {
    return textOrEmpty(STUDY_INSTANCE_UID);
  }

  /** Series Instance UID (0020,000E), empty when absent. */
  public String seriesInstanceUid() {
    return textOrEmpty(SERIES_INSTANCE_UID);
  }

  /** Patient ID (0010,0020), empty when absent; publish it only as a keyed hash. */
  public String patientId() {
    return found.containsKey(PATIENT_ID) ? parser.string(found.get(PATIENT_ID), charset) : "";
  }

  /** Modality (0008,0060), empty when absent. */
  public String modality() {
    return textOrEmpty(MODALITY);
  }

  /** Instance Number (0020,0013). */
  public Optional<Integer> instanceNumber() {
    Double d = decimalOrNull(INSTANCE_NUMBER);
    return d == null ? Optional.empty() : Optional.of((int) (double) d);
  }

  /** Images in Acquisition (0020,1002): the number of slices of the series, when stated. */
  public Optional<Integer> imagesInAcquisition() {
    Double d = decimalOrNull(IMAGES_IN_ACQUISITION);
    return d == null || d < 1 ? Optional.empty() : Optional.of((int) (double) d);
  }

  /** Slice Location (0020,1041) in mm. */
  public Optional<Double> sliceLocation() {
    return Optional.ofNullable(decimalOrNull(SLICE_LOCATION));
  }

  /** Image Position (Patient) (0020,0032) as written, e.g. {@code -90\-126\-72}, or empty. */
  public String imagePositionPatient() {
    return textOrEmpty(IMAGE_POSITION_PATIENT);
  }

  /**
   * Image Position (Patient) of frame {@code index} (0-based): the Plane Position Sequence
   * (0020,9113) of its Per-frame Functional Groups item, else of the Shared Functional Groups,
   * else the top-level (0020,0032) as written; empty when none says.
   */
  public String imagePositionPatient(int index) {
    Element own = frameElement(index, PLANE_POSITION_SEQUENCE, IMAGE_POSITION_PATIENT, 3);
    return own == null ? imagePositionPatient() : parser.string(own, StandardCharsets.US_ASCII);
  }

  /**
   * Where frame {@code index} lies along its plane's normal, in mm: when a functional group gives
   * the frame a position and an orientation is known (Plane Orientation Sequence (0020,9116) or
   * the top-level (0020,0037)), the position projected on the normal (row × column direction), as
   * Slice Location usually is; otherwise the top-level Slice Location (0020,1041).
   */
  public Optional<Double> sliceLocation(int index) {
    double[] position =
        vector(frameElement(index, PLANE_POSITION_SEQUENCE, IMAGE_POSITION_PATIENT, 3), 3);
    Element ownOrientation =
        frameElement(index, PLANE_ORIENTATION_SEQUENCE, IMAGE_ORIENTATION_PATIENT, 6);
    double[] orientation = vector(ownOrientation != null ? ownOrientation
        : found.get(IMAGE_ORIENTATION_PATIENT), 6);
    if (position == null || orientation == null) {
      return sliceLocation();
    }
    double nx = orientation[1] * orientation[5] - orientation[2] * orientation[4];
    double ny = orientation[2] * orientation[3] - orientation[0] * orientation[5];
    double nz = orientation[0] * orientation[4] - orientation[1] * orientation[3];
    double location = position[0] * nx + position[1] * ny + position[2] * nz;
    return Double.isFinite(location) ? Optional.of(location + 0.0) : sliceLocation();
  }

  /**
   * A frame's element {@code tag} of {@code count} numbers in functional group macro {@code
   * macro}: its per-frame item's if valid, else the shared item's; null when neither has one.
   */
  private Element frameElement(int index, int macro, int tag, int count) {
    List<DataSetParser.Item> perFrame = parser.sequence(PER_FRAME_FUNCTIONAL_GROUPS);
    if (index >= 0 && index < perFrame.size()) {
      Element own = perFrame.get(index).first(macro, tag);
      if (vector(own, count) != null) {
        return own;
      }
    }
    List<DataSetParser.Item> shared = parser.sequence(SHARED_FUNCTIONAL_GROUPS);
    Element common = shared.isEmpty() ? null : shared.get(0).first(macro, tag);
    return vector(common, count) != null ? common : null;
  }

  /** A DS value of exactly {@code count} finite numbers, or null (absent, damaged, too long). */
  private double[] vector(Element e, int count) {
    if (e == null || e.length() > 17 * count) {
      return null;
    }
    String[] parts = parser.string(e, StandardCharsets.US_ASCII).split("\\\\", -1);
    if (parts.length != count) {
      return null;
    }
    double[] v = new double[count];
    try {
      for (int i = 0; i < count; i++) {
        v[i] = Double.parseDouble(parts[i].trim());
        if (!Double.isFinite(v[i])) {
          return null;
        }
      }
    } catch (NumberFormatException ex) {
      return null;
    }
    return v;
  }

  /**
   * Decodes frame {@code index} (0-based) into a slice carrying this instance's header.
   *
   * @throws ImageDecodeException when the frame's pixels cannot be decoded
   */
  public DicomSlice frame(int index) {
    if (index < 0 || index >= frames.count()) {
      throw new IndexOutOfBoundsException("frame " + index + " of " + frames.count());
    }
    GrayImage image = StoredValues.toImage(frames.storedValues(index), format);
    DicomDates.Acquired acquired = DicomDates.parse(textOrNull(ACQUISITION_DATE_TIME),
        textOrNull(ACQUISITION_DATE), textOrNull(ACQUISITION_TIME), textOrNull(TIMEZONE_OFFSET));
    Map<String, String> attributes = new LinkedHashMap<>();
    attributes.put("transferSyntax", syntax.uid());
    if (found.containsKey(MODALITY)) {
      attributes.put("modality", text(MODALITY));
    }
    if (found.containsKey(MAGNETIC_FIELD_STRENGTH)) {
      attributes.put("magneticFieldStrength", text(MAGNETIC_FIELD_STRENGTH));
    }
    return new DicomSlice(image, syntax.uid(), studyInstanceUid(), seriesInstanceUid(),
        sopInstanceUid(), patientId(), instanceNumber().orElse(null), acquired.dateTime(),
        acquired.offset(), format, attributes);
  }

  private String text(int tag) {
    return parser.string(found.get(tag), StandardCharsets.US_ASCII);
  }

  private String textOrEmpty(int tag) {
    return found.containsKey(tag) ? text(tag) : "";
  }

  private String textOrNull(int tag) {
    return found.containsKey(tag) ? text(tag) : null;
  }

  private int intValue(int tag, int fallback) {
    Element e = found.get(tag);
    if (e == null) {
      return fallback;
    }
    if (e.length() < 2) {
      throw DataSetParser.failed("element " + DataSetParser.tagName(tag) + " has length "
          + e.length() + ", expected 2 (US)");
    }
    return parser.u16(e.offset());
  }

  private double decimal(int tag, double fallback) {
    Double d = decimalOrNull(tag);
    return d == null ? fallback : d;
  }

  /** The first value of a DS/IS (multi-values are separated by backslashes), or null. */
  private Double decimalOrNull(int tag) {
    if (!found.containsKey(tag)) {
      return null;
    }
    String s = text(tag);
    int slash = s.indexOf('\\');
    if (slash >= 0) {
      s = s.substring(0, slash);
    }
    try {
      double d = s.isBlank() ? Double.NaN : Double.parseDouble(s.trim());
      return Double.isFinite(d) ? d : null;
    } catch (NumberFormatException ex) {
      return null;
    }
  }
}
