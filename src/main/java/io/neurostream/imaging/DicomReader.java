package io.neurostream.imaging;

import io.neurostream.imaging.ImageDecodeException.Reason;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.ZoneOffset;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/**
 * Reads single-frame grayscale DICOM Part 10 files with uncompressed pixel data: a 128-byte
 * preamble, {@code "DICM"}, the file meta group (always Explicit VR Little Endian) and a data set in
 * Explicit or Implicit VR Little Endian. Compressed (encapsulated), deflated and big-endian transfer
 * syntaxes are refused with {@link Reason#UNSUPPORTED_TRANSFER_SYNTAX} naming the syntax, so that
 * the producer can transcode (e.g. {@code dcmdjpeg} / {@code gdcmconv --raw}).
 *
 * <p>Only top-level attributes are read; sequences, of defined or undefined length, are skipped
 * whole, so a nested icon image's Rows or Pixel Data never shadows the slice's own.
 *
 * <p>Intensities: stored values (masked to BitsStored, sign-extended when PixelRepresentation is
 * 1) are mapped through RescaleSlope/Intercept, then through the file's first WindowCenter/Width
 * when present (the window the radiologist sees), else a per-image min/max window. MONOCHROME1
 * (white = low) is inverted so that every slice comes out MONOCHROME2.
 */
public final class DicomReader {

  static final String IMPLICIT_VR_LE = "1.2.840.10008.1.2";
  static final String EXPLICIT_VR_LE = "1.2.840.10008.1.2.1";

  private static final Map<String, String> REFUSED_SYNTAXES = Map.ofEntries(
      Map.entry("1.2.840.10008.1.2.1.99", "Deflated Explicit VR Little Endian"),
      Map.entry("1.2.840.10008.1.2.2", "Explicit VR Big Endian (retired)"),
      Map.entry("1.2.840.10008.1.2.4.50", "JPEG Baseline (Process 1)"),
      Map.entry("1.2.840.10008.1.2.4.51", "JPEG Extended (Process 2 & 4)"),
      Map.entry("1.2.840.10008.1.2.4.57", "JPEG Lossless, Non-Hierarchical (Process 14)"),
      Map.entry("1.2.840.10008.1.2.4.70", "JPEG Lossless, First-Order Prediction (Process 14 SV1)"),
      Map.entry("1.2.840.10008.1.2.4.80", "JPEG-LS Lossless"),
      Map.entry("1.2.840.10008.1.2.4.81", "JPEG-LS Lossy (Near-Lossless)"),
      Map.entry("1.2.840.10008.1.2.4.90", "JPEG 2000 Lossless Only"),
      Map.entry("1.2.840.10008.1.2.4.91", "JPEG 2000"),
      Map.entry("1.2.840.10008.1.2.4.201", "High-Throughput JPEG 2000 Lossless Only"),
      Map.entry("1.2.840.10008.1.2.4.203", "High-Throughput JPEG 2000"),
      Map.entry("1.2.840.10008.1.2.5", "RLE Lossless"));

  /** Tags (group << 16 | element) read from the top-level data set. */
  private static final int SPECIFIC_CHARACTER_SET = 0x00080005;
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
  private static final int SAMPLES_PER_PIXEL = 0x00280002;
  private static final int PHOTOMETRIC = 0x00280004;
  private static final int NUMBER_OF_FRAMES = 0x00280008;
  private static final int ROWS = 0x00280010;
  private static final int COLUMNS = 0x00280011;
  private static final int BITS_ALLOCATED = 0x00280100;
  private static final int BITS_STORED = 0x00280101;
  private static final int PIXEL_REPRESENTATION = 0x00280103;
  private static final int WINDOW_CENTER = 0x00281050;
  private static final int WINDOW_WIDTH = 0x00281051;
  private static final int RESCALE_INTERCEPT = 0x00281052;
  private static final int RESCALE_SLOPE = 0x00281053;
  private static final int PIXEL_DATA = 0x7FE00010;
  private static final int FLOAT_PIXEL_DATA = 0x7FE00008;
  private static final int DOUBLE_PIXEL_DATA = 0x7FE00009;

  private static final int ITEM = 0xFFFEE000;
  private static final int ITEM_DELIMITER = 0xFFFEE00D;
  private static final int SEQUENCE_DELIMITER = 0xFFFEE0DD;
  private static final long UNDEFINED_LENGTH = 0xFFFFFFFFL;

  private static final Set<Integer> WANTED = Set.of(
      SPECIFIC_CHARACTER_SET, SOP_INSTANCE_UID, ACQUISITION_DATE, ACQUISITION_TIME,
      ACQUISITION_DATE_TIME, MODALITY, TIMEZONE_OFFSET, PATIENT_ID, MAGNETIC_FIELD_STRENGTH,
      STUDY_INSTANCE_UID, SERIES_INSTANCE_UID, INSTANCE_NUMBER, SAMPLES_PER_PIXEL, PHOTOMETRIC,
      NUMBER_OF_FRAMES, ROWS, COLUMNS, BITS_ALLOCATED, BITS_STORED, PIXEL_REPRESENTATION,
      WINDOW_CENTER, WINDOW_WIDTH, RESCALE_INTERCEPT, RESCALE_SLOPE, PIXEL_DATA, FLOAT_PIXEL_DATA,
      DOUBLE_PIXEL_DATA);

  /** Explicit VRs with a 2-byte reserved field and a 4-byte length (PS3.5 7.1.2). */
  private static final Set<String> LONG_VRS =
      Set.of("OB", "OD", "OF", "OL", "OV", "OW", "SQ", "SV", "UC", "UN", "UR", "UT", "UV");

  private final byte[] b;
  private int pos;

  private DicomReader(byte[] bytes) {
    this.b = bytes;
  }

  /** True when {@code bytes} carry the Part 10 marker {@code "DICM"} at offset 128. */
  public static boolean looksLikeDicom(byte[] bytes) {
    return bytes != null && bytes.length >= 132
        && bytes[128] == 'D' && bytes[129] == 'I' && bytes[130] == 'C' && bytes[131] == 'M';
  }

  /** Reads with {@link DecodeLimits#DEFAULT}. */
  public static DicomSlice read(byte[] bytes) {
    return read(bytes, DecodeLimits.DEFAULT);
  }

  /**
   * Parses a DICOM Part 10 file and decodes its pixels.
   *
   * @throws ImageDecodeException when the file is not DICOM, truncated, compressed, not single
   *     frame grayscale, or its Rows/Columns are outside {@code limits}
   */
  public static DicomSlice read(byte[] bytes, DecodeLimits limits) {
    if (!looksLikeDicom(bytes)) {
      throw new ImageDecodeException(
          Reason.IMAGE_DECODE_FAILED,
          "not a DICOM Part 10 file: no 'DICM' marker at offset 128"
              + (bytes == null ? "" : " (" + bytes.length + " bytes)")
              + "; send files with the Part 10 header (preamble + file meta group)");
    }
    return new DicomReader(bytes).parse(limits);
  }

  private record Element(int offset, int length, String vr) {}

  private DicomSlice parse(DecodeLimits limits) {
    pos = 132;
    String syntax = readFileMeta();
    String refused = REFUSED_SYNTAXES.get(syntax);
    if (refused == null && syntax.startsWith("1.2.840.10008.1.2.4.")) {
      refused = "JPEG family (compressed)";
    }
    if (refused != null) {
      throw new ImageDecodeException(
          Reason.UNSUPPORTED_TRANSFER_SYNTAX,
          "DICOM transfer syntax " + syntax + " (" + refused + ") is not supported; only "
              + "uncompressed Explicit/Implicit VR Little Endian is. Transcode first, e.g. "
              + "'gdcmconv --raw in.dcm out.dcm'");
    }
    boolean implicit;
    if (syntax.equals(IMPLICIT_VR_LE)) {
      implicit = true;
    } else if (syntax.equals(EXPLICIT_VR_LE)) {
      implicit = false;
    } else {
      throw new ImageDecodeException(
          Reason.UNSUPPORTED_TRANSFER_SYNTAX,
          "DICOM transfer syntax " + syntax + " is unknown; only uncompressed Explicit VR Little "
              + "Endian (1.2.840.10008.1.2.1) and Implicit VR Little Endian (1.2.840.10008.1.2) are "
              + "supported");
    }
    Map<Integer, Element> found = readDataSet(implicit);
    return decode(syntax, found, limits);
  }

  /** Reads group 0002 (always explicit VR little endian) and returns the transfer syntax UID. */
  private String readFileMeta() {
    String syntax = null;
    while (pos + 4 <= b.length && u16(pos) == 0x0002) {
      int tag = tagAt(pos);
      Element e = readHeader(false);
      if (e.length < 0) {
        throw failed("file meta element " + tagName(tag) + " has undefined length");
      }
      skip(e.length, tag);
      if (tag == 0x00020010) {
        syntax = string(e, StandardCharsets.US_ASCII);
      }
    }
    if (syntax == null || syntax.isEmpty()) {
      throw failed("DICOM file meta group has no Transfer Syntax UID (0002,0010)");
    }
    return syntax;
  }

  private Map<Integer, Element> readDataSet(boolean implicit) {
    Map<Integer, Element> found = new HashMap<>();
    while (pos < b.length) {
      if (b.length - pos < 8) {
        throw truncated("the element header at offset " + pos);
      }
      int tag = tagAt(pos);
      Element e = readHeader(implicit);
      if (e.length < 0) {
        if (tag == PIXEL_DATA) {
          throw new ImageDecodeException(
              Reason.UNSUPPORTED_TRANSFER_SYNTAX,
              "DICOM pixel data is encapsulated (compressed) although the transfer syntax says "
                  + "uncompressed; transcode the file to Explicit VR Little Endian");
        }
        // undefined length: a sequence (SQ, or UN / implicit VR holding implicit-VR items)
        skipUndefinedSequence(implicit || "UN".equals(e.vr));
        continue;
      }
      skip(e.length, tag);
      if (WANTED.contains(tag)) {
        found.put(tag, e);
      }
      if (tag == PIXEL_DATA) {
        break; // nothing after the pixels matters
      }
    }
    return found;
  }

  /**
   * Reads an element header at {@code pos} and advances past it. The returned length is -1 for
   * undefined length; the returned offset is where the value starts.
   */
  private Element readHeader(boolean implicit) {
    need(8, "an element header");
    int tag = tagAt(pos);
    if (implicit || (tag >>> 16) == 0xFFFE) {
      long len = u32(pos + 4);
      pos += 8;
      return new Element(pos, len == UNDEFINED_LENGTH ? -1 : checkLength(len, tag), null);
    }
    String vr = new String(b, pos + 4, 2, StandardCharsets.US_ASCII);
    if (LONG_VRS.contains(vr)) {
      need(12, "an element header");
      long len = u32(pos + 8);
      pos += 12;
      return new Element(pos, len == UNDEFINED_LENGTH ? -1 : checkLength(len, tag), vr);
    }
    int len = u16(pos + 6);
    pos += 8;
    return new Element(pos, len, vr);
  }

  private int checkLength(long len, int tag) {
    if (len > Integer.MAX_VALUE) {
      throw failed("element " + tagName(tag) + " declares an impossible length " + len);
    }
    return (int) len;
  }

  /** Skips the items of an undefined-length sequence, through its sequence delimiter. */
  private void skipUndefinedSequence(boolean implicit) {
    while (true) {
      need(8, "a sequence item");
      int tag = tagAt(pos);
      long len = u32(pos + 4);
      pos += 8;
      if (tag == SEQUENCE_DELIMITER) {
        return;
      }
      if (tag != ITEM) {
        throw failed("expected a sequence item (FFFE,E000) at offset " + (pos - 8) + ", found "
            + tagName(tag));
      }
      if (len == UNDEFINED_LENGTH) {
        skipItemUntilDelimiter(implicit);
      } else {
        skip(checkLength(len, tag), tag);
      }
    }
  }

  private void skipItemUntilDelimiter(boolean implicit) {
    while (true) {
      need(8, "an item element");
      int tag = tagAt(pos);
      if (tag == ITEM_DELIMITER) {
        pos += 8;
        return;
      }
      Element e = readHeader(implicit);
      if (e.length < 0) {
        skipUndefinedSequence(implicit || "UN".equals(e.vr));
      } else {
        skip(e.length, tag);
      }
    }
  }

  private DicomSlice decode(String syntax, Map<Integer, Element> found, DecodeLimits limits) {
    Charset charset = StandardCharsets.ISO_8859_1;
    if (found.containsKey(SPECIFIC_CHARACTER_SET)
        && string(found.get(SPECIFIC_CHARACTER_SET), charset).contains("ISO_IR 192")) {
      charset = StandardCharsets.UTF_8;
    }
    int samples = intValue(found, SAMPLES_PER_PIXEL, 1);
    String photometric = found.containsKey(PHOTOMETRIC)
        ? string(found.get(PHOTOMETRIC), StandardCharsets.US_ASCII) : "MONOCHROME2";
    if (samples != 1 || !(photometric.equals("MONOCHROME1") || photometric.equals("MONOCHROME2"))) {
      throw new ImageDecodeException(
          Reason.UNSUPPORTED_PIXEL_FORMAT,
          "DICOM pixels are " + photometric + " with " + samples + " samples per pixel; only "
              + "grayscale (MONOCHROME1/MONOCHROME2, 1 sample per pixel) is supported");
    }
    int frames = found.containsKey(NUMBER_OF_FRAMES)
        ? (int) decimal(found.get(NUMBER_OF_FRAMES), 1) : 1;
    if (frames != 1) {
      throw new ImageDecodeException(
          Reason.UNSUPPORTED_PIXEL_FORMAT,
          "DICOM file has " + frames + " frames; send one slice per file");
    }
    if (!found.containsKey(ROWS) || !found.containsKey(COLUMNS)) {
      throw failed("DICOM file lacks Rows (0028,0010) or Columns (0028,0011)");
    }
    int rows = intValue(found, ROWS, 0);
    int cols = intValue(found, COLUMNS, 0);
    limits.check(cols, rows, "DICOM Rows/Columns");
    int bitsAllocated = intValue(found, BITS_ALLOCATED, 0);
    if (bitsAllocated != 8 && bitsAllocated != 16) {
      throw new ImageDecodeException(
          Reason.UNSUPPORTED_PIXEL_FORMAT,
          "DICOM BitsAllocated (0028,0100) is " + bitsAllocated + "; only 8 and 16 are supported");
    }
    int bitsStored = intValue(found, BITS_STORED, bitsAllocated);
    if (bitsStored < 1 || bitsStored > bitsAllocated) {
      bitsStored = bitsAllocated;
    }
    boolean signed = intValue(found, PIXEL_REPRESENTATION, 0) == 1;
    Element pixels = found.get(PIXEL_DATA);
    if (pixels == null) {
      String which = found.containsKey(FLOAT_PIXEL_DATA) || found.containsKey(DOUBLE_PIXEL_DATA)
          ? "has only float pixel data (7FE0,0008/0009), which is not supported"
          : "has no Pixel Data (7FE0,0010)";
      throw failed("DICOM file " + which);
    }
    int bytesPerSample = bitsAllocated / 8;
    long needed = (long) rows * cols * bytesPerSample;
    if (pixels.length < needed) {
      throw truncated("Pixel Data: " + rows + "x" + cols + "x" + bitsAllocated + " bit needs "
          + needed + " bytes, the element holds " + pixels.length);
    }
    double slope = found.containsKey(RESCALE_SLOPE) ? decimal(found.get(RESCALE_SLOPE), 1) : 1;
    double intercept =
        found.containsKey(RESCALE_INTERCEPT) ? decimal(found.get(RESCALE_INTERCEPT), 0) : 0;
    Double center = found.containsKey(WINDOW_CENTER) ? decimal(found.get(WINDOW_CENTER), null) : null;
    Double width = found.containsKey(WINDOW_WIDTH) ? decimal(found.get(WINDOW_WIDTH), null) : null;
    if (slope == 0 || !Double.isFinite(slope)) {
      slope = 1;
    }

    int n = rows * cols;
    double[] values = new double[n];
    int mask = bitsStored == 32 ? -1 : (1 << bitsStored) - 1;
    int signBit = 1 << (bitsStored - 1);
    for (int i = 0; i < n; i++) {
      int raw = bytesPerSample == 1
          ? b[pixels.offset + i] & 0xff
          : u16(pixels.offset + 2 * i);
      int v = raw & mask;
      if (signed && (v & signBit) != 0) {
        v -= 1 << bitsStored;
      }
      values[i] = v * slope + intercept;
    }
    GrayImage image = center != null && width != null && width >= 1
        ? Windowing.window(cols, rows, values, center, width)
        : Windowing.minMax(cols, rows, values);
    if (photometric.equals("MONOCHROME1")) {
      float[] p = image.pixels();
      for (int i = 0; i < p.length; i++) {
        p[i] = 1f - p[i];
      }
    }

    LocalDateTime acquired = null;
    ZoneOffset offset = null;
    try {
      if (found.containsKey(ACQUISITION_DATE_TIME)) {
        String dt = string(found.get(ACQUISITION_DATE_TIME), StandardCharsets.US_ASCII);
        int sign = Math.max(dt.indexOf('+'), dt.indexOf('-'));
        if (sign > 0) {
          offset = parseOffset(dt.substring(sign));
          dt = dt.substring(0, sign);
        }
        acquired = parseDateTime(dt.substring(0, Math.min(8, dt.length())),
            dt.length() > 8 ? dt.substring(8) : "");
      } else if (found.containsKey(ACQUISITION_DATE)) {
        acquired = parseDateTime(
            string(found.get(ACQUISITION_DATE), StandardCharsets.US_ASCII),
            found.containsKey(ACQUISITION_TIME)
                ? string(found.get(ACQUISITION_TIME), StandardCharsets.US_ASCII) : "");
      }
      if (offset == null && found.containsKey(TIMEZONE_OFFSET)) {
        offset = parseOffset(string(found.get(TIMEZONE_OFFSET), StandardCharsets.US_ASCII));
      }
    } catch (RuntimeException e) {
      // a malformed date does not make the pixels unusable; the ingest falls back to publish time
      acquired = null;
      offset = null;
    }

    Map<String, String> attributes = new LinkedHashMap<>();
    attributes.put("transferSyntax", syntax);
    if (found.containsKey(MODALITY)) {
      attributes.put("modality", string(found.get(MODALITY), StandardCharsets.US_ASCII));
    }
    if (found.containsKey(MAGNETIC_FIELD_STRENGTH)) {
      attributes.put("magneticFieldStrength",
          string(found.get(MAGNETIC_FIELD_STRENGTH), StandardCharsets.US_ASCII));
    }
    Integer instance = found.containsKey(INSTANCE_NUMBER)
        ? (int) decimal(found.get(INSTANCE_NUMBER), 0) : null;
    return new DicomSlice(
        image,
        syntax,
        stringOrEmpty(found, STUDY_INSTANCE_UID, StandardCharsets.US_ASCII),
        stringOrEmpty(found, SERIES_INSTANCE_UID, StandardCharsets.US_ASCII),
        stringOrEmpty(found, SOP_INSTANCE_UID, StandardCharsets.US_ASCII),
        stringOrEmpty(found, PATIENT_ID, charset),
        instance,
        acquired,
        offset,
        new DicomSlice.PixelFormat(rows, cols, bitsAllocated, bitsStored, signed, photometric,
            slope, intercept, center, width),
        attributes);
  }

  private static LocalDateTime parseDateTime(String da, String tm) {
    LocalDate date = LocalDate.of(
        Integer.parseInt(da.substring(0, 4)),
        da.length() >= 6 ? Integer.parseInt(da.substring(4, 6)) : 1,
        da.length() >= 8 ? Integer.parseInt(da.substring(6, 8)) : 1);
    String t = tm.trim();
    int frac = t.indexOf('.');
    String whole = frac >= 0 ? t.substring(0, frac) : t;
    int hour = whole.length() >= 2 ? Integer.parseInt(whole.substring(0, 2)) : 0;
    int minute = whole.length() >= 4 ? Integer.parseInt(whole.substring(2, 4)) : 0;
    int second = whole.length() >= 6 ? Math.min(59, Integer.parseInt(whole.substring(4, 6))) : 0;
    int nanos = 0;
    if (frac >= 0 && frac + 1 < t.length()) {
      String f = (t.substring(frac + 1) + "000000000").substring(0, 9);
      nanos = Integer.parseInt(f);
    }
    return LocalDateTime.of(date, LocalTime.of(hour, minute, second, nanos));
  }

  private static ZoneOffset parseOffset(String s) {
    String t = s.trim(); // "+HHMM" / "-HHMM"
    int sign = t.charAt(0) == '-' ? -1 : 1;
    int hours = Integer.parseInt(t.substring(1, 3));
    int minutes = Integer.parseInt(t.substring(3, 5));
    return ZoneOffset.ofHoursMinutes(sign * hours, sign * minutes);
  }

  private int intValue(Map<Integer, Element> found, int tag, int fallback) {
    Element e = found.get(tag);
    if (e == null) {
      return fallback;
    }
    if (e.length < 2) {
      throw failed("element " + tagName(tag) + " has length " + e.length + ", expected 2 (US)");
    }
    return u16(e.offset);
  }

  private double decimal(Element e, double fallback) {
    Double d = decimal(e, (Double) null);
    return d == null ? fallback : d;
  }

  /** The first value of a DS/IS (multi-values are separated by backslashes). */
  private Double decimal(Element e, Double fallback) {
    String s = string(e, StandardCharsets.US_ASCII);
    int slash = s.indexOf('\\');
    if (slash >= 0) {
      s = s.substring(0, slash);
    }
    try {
      return s.isBlank() ? fallback : Double.valueOf(s.trim());
    } catch (NumberFormatException ex) {
      return fallback;
    }
  }

  private String stringOrEmpty(Map<Integer, Element> found, int tag, Charset charset) {
    Element e = found.get(tag);
    return e == null ? "" : string(e, charset);
  }

  /** String value without DICOM padding (trailing space or NUL) and leading spaces. */
  private String string(Element e, Charset charset) {
    int end = e.offset + e.length;
    while (end > e.offset && (b[end - 1] == 0 || b[end - 1] == ' ')) {
      end--;
    }
    return new String(b, e.offset, end - e.offset, charset).strip();
  }

  private void skip(int length, int tag) {
    if ((long) pos + length > b.length) {
      throw truncated("element " + tagName(tag) + ", which declares " + length + " bytes but only "
          + (b.length - pos) + " remain");
    }
    pos += length;
  }

  private void need(int count, String what) {
    if (pos + count > b.length) {
      throw truncated(what + " at offset " + pos);
    }
  }

  private int tagAt(int at) {
    return u16(at) << 16 | u16(at + 2);
  }

  private int u16(int at) {
    return (b[at] & 0xff) | (b[at + 1] & 0xff) << 8;
  }

  private long u32(int at) {
    return ((long) u16(at)) | ((long) u16(at + 2)) << 16;
  }

  private static String tagName(int tag) {
    return String.format("(%04X,%04X)", tag >>> 16, tag & 0xffff);
  }

  private ImageDecodeException truncated(String where) {
    return new ImageDecodeException(
        Reason.IMAGE_DECODE_FAILED,
        "DICOM file (" + b.length + " bytes) is truncated in " + where + "; resend the whole file");
  }

  private static ImageDecodeException failed(String message) {
    return new ImageDecodeException(Reason.IMAGE_DECODE_FAILED, message);
  }
}
