package io.neurostream.imaging;

import io.neurostream.imaging.ImageDecodeException.Reason;
import java.io.ByteArrayOutputStream;
import java.util.Optional;
import java.util.zip.DataFormatException;
import java.util.zip.Inflater;

/**
 * Reads grayscale DICOM Part 10 files: a 128-byte preamble, {@code "DICM"}, the file meta group
 * (always Explicit VR Little Endian) and a data set in any {@link TransferSyntax} with a decoder:
 * Implicit/Explicit VR Little Endian, Explicit VR Big Endian, Deflated Explicit VR Little Endian,
 * and encapsulated JPEG (baseline, 8-bit extended, lossless; TwelveMonkeys ImageIO), JPEG 2000
 * (jai-imageio-jpeg2000) and RLE Lossless. JPEG-LS, HTJ2K and 12-bit lossy JPEG are refused with
 * {@link Reason#UNSUPPORTED_TRANSFER_SYNTAX} naming the syntax and how to transcode it ({@link
 * TransferSyntax#fix()}).
 *
 * <p>{@link #read} gives the one slice of a single-frame file; {@link #open} gives a {@link
 * DicomInstance} whose frames decode one at a time (multi-frame Enhanced MR).
 *
 * <p>Intensities: stored values (masked to BitsStored, sign-extended when PixelRepresentation is
 * 1) are mapped through RescaleSlope/Intercept, then through the file's first WindowCenter/Width
 * when present (the window the radiologist sees), else a per-image min/max window. MONOCHROME1
 * (white = low) is inverted so that every slice comes out MONOCHROME2.
 *
 * <p>Every input is untrusted: lengths, item counts, frame counts and inflated sizes are bounded,
 * and every failure is an {@link ImageDecodeException}.
 */
public final class DicomReader {

  static final String IMPLICIT_VR_LE = TransferSyntax.IMPLICIT_VR_LITTLE_ENDIAN.uid();
  static final String EXPLICIT_VR_LE = TransferSyntax.EXPLICIT_VR_LITTLE_ENDIAN.uid();

  /** A deflated data set may not inflate beyond this (a deflate bomb is refused, not buffered). */
  static final int MAX_INFLATED_BYTES = 64 << 20;

  private DicomReader() {}

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
   * Parses a single-frame DICOM Part 10 file and decodes its pixels.
   *
   * @throws ImageDecodeException when the file is not DICOM, truncated, in a syntax without a
   *     decoder, not grayscale, not single frame, or its Rows/Columns are outside {@code limits}
   */
  public static DicomSlice read(byte[] bytes, DecodeLimits limits) {
    DicomInstance instance = open(bytes, limits);
    if (instance.frames() != 1) {
      throw new ImageDecodeException(Reason.UNSUPPORTED_PIXEL_FORMAT,
          "DICOM file has " + instance.frames() + " frames; send one slice per file (the "
              + "gateway splits multi-frame instances into one scan per frame)");
    }
    return instance.frame(0);
  }

  /**
   * Parses a DICOM Part 10 file's header and locates its frames, without decoding pixels.
   *
   * @throws ImageDecodeException when the file is not DICOM, truncated, in a syntax without a
   *     decoder, not grayscale, or its Rows/Columns are outside {@code limits}
   */
  public static DicomInstance open(byte[] bytes, DecodeLimits limits) {
    if (!looksLikeDicom(bytes)) {
      throw new ImageDecodeException(
          Reason.IMAGE_DECODE_FAILED,
          "not a DICOM Part 10 file: no 'DICM' marker at offset 128"
              + (bytes == null ? "" : " (" + bytes.length + " bytes)")
              + "; send files with the Part 10 header (preamble + file meta group)");
    }
    int[] metaEnd = new int[1];
    String uid = DataSetParser.transferSyntaxOf(bytes, metaEnd);
    TransferSyntax syntax = syntax(uid);
    byte[] data = bytes;
    int start = metaEnd[0];
    if (syntax.deflated()) {
      data = inflate(bytes, start);
      start = 0;
    }
    DataSetParser parser =
        new DataSetParser(data, start, syntax.implicitVr(), syntax.bigEndian());
    return new DicomInstance(syntax, parser,
        parser.read(DicomInstance.WANTED, DicomInstance.SEQUENCES, syntax.encapsulated()), data,
        limits);
  }

  /**
   * Best effort, for failure reports: the SOP Class UID and SOP Instance UID of a file that may be
   * damaged or undecodable, each empty when it cannot be read. Never throws.
   */
  public static String[] peekSopUids(byte[] bytes) {
    String[] uids = {"", ""};
    if (!looksLikeDicom(bytes)) {
      return uids;
    }
    DataSetParser parser = null;
    try {
      int[] metaEnd = new int[1];
      TransferSyntax syntax = TransferSyntax.of(DataSetParser.transferSyntaxOf(bytes, metaEnd))
          .orElse(TransferSyntax.EXPLICIT_VR_LITTLE_ENDIAN);
      if (syntax.deflated()) {
        return uids; // not worth inflating a bomb to name it
      }
      parser = new DataSetParser(bytes, metaEnd[0], syntax.implicitVr(), syntax.bigEndian());
      parser.read(java.util.Set.of(0x00080016, 0x00080018), true);
    } catch (RuntimeException e) {
      // keep what was found before the damage
    }
    if (parser != null) {
      for (int i = 0; i < 2; i++) {
        DataSetParser.Element e = parser.found().get(i == 0 ? 0x00080016 : 0x00080018);
        if (e != null && e.length() <= 64) {
          String uid = parser.string(e, java.nio.charset.StandardCharsets.US_ASCII);
          uids[i] = uid.matches("[0-9.]{1,64}") ? uid : "";
        }
      }
    }
    return uids;
  }

  /** The syntax of {@code uid} if it has a decoder, else a refusal naming the fix. */
  static TransferSyntax syntax(String uid) {
    Optional<TransferSyntax> known = TransferSyntax.of(uid);
    if (known.isEmpty()) {
      throw new ImageDecodeException(Reason.UNSUPPORTED_TRANSFER_SYNTAX,
          "DICOM transfer syntax " + uid + " is unknown; send Explicit VR Little Endian "
              + "(1.2.840.10008.1.2.1) or one of the syntaxes listed in docs/pacs-integration.md, "
              + "e.g. transcode with 'gdcmconv --raw in.dcm out.dcm'");
    }
    TransferSyntax syntax = known.get();
    if (syntax.codec() == TransferSyntax.Codec.UNSUPPORTED) {
      throw new ImageDecodeException(Reason.UNSUPPORTED_TRANSFER_SYNTAX,
          "DICOM transfer syntax " + syntax + " has no Java decoder on Maven Central, so "
              + "NeuroStream cannot read it; " + syntax.fix());
    }
    return syntax;
  }

  /** The data set after the meta group, inflated (raw deflate, RFC 1951) within a bound. */
  private static byte[] inflate(byte[] bytes, int start) {
    Inflater inflater = new Inflater(true);
    try {
      inflater.setInput(bytes, start, bytes.length - start);
      ByteArrayOutputStream out = new ByteArrayOutputStream(Math.max(64, 4 * (bytes.length - start)));
      byte[] chunk = new byte[64 << 10];
      while (!inflater.finished()) {
        int n = inflater.inflate(chunk);
        if (n == 0) {
          if (inflater.needsInput() || inflater.needsDictionary()) {
            break; // stream ended without its final block: parse what there is, lengths decide
          }
        }
        out.write(chunk, 0, n);
        if (out.size() > MAX_INFLATED_BYTES) {
          throw new ImageDecodeException(Reason.IMAGE_DECODE_FAILED,
              "deflated DICOM data set inflates beyond " + MAX_INFLATED_BYTES + " bytes; send "
                  + "slices of at most 4096x4096 pixels or Explicit VR Little Endian");
        }
      }
      return out.toByteArray();
    } catch (DataFormatException e) {
      throw new ImageDecodeException(Reason.IMAGE_DECODE_FAILED,
          "deflated DICOM data set is damaged (" + e.getMessage() + "); resend the file", e);
    } finally {
      inflater.end();
    }
  }
}
