package io.neurostream.imaging;

import java.util.Arrays;
import java.util.Optional;

/**
 * The DICOM transfer syntaxes {@link DicomReader} knows: how the data set is encoded (explicit or
 * implicit VR, byte order, deflate) and how the pixel data is (native, or encapsulated in one of the
 * compression schemes of PS3.5 Annex A.4). Syntaxes known but not decodable here ({@link
 * Codec#UNSUPPORTED}) are refused with a message naming the syntax and how to transcode it.
 */
public enum TransferSyntax {
  IMPLICIT_VR_LITTLE_ENDIAN("1.2.840.10008.1.2", "Implicit VR Little Endian", Codec.NATIVE),
  EXPLICIT_VR_LITTLE_ENDIAN("1.2.840.10008.1.2.1", "Explicit VR Little Endian", Codec.NATIVE),
  DEFLATED_EXPLICIT_VR_LITTLE_ENDIAN(
      "1.2.840.10008.1.2.1.99", "Deflated Explicit VR Little Endian", Codec.NATIVE),
  EXPLICIT_VR_BIG_ENDIAN("1.2.840.10008.1.2.2", "Explicit VR Big Endian (retired)", Codec.NATIVE),
  JPEG_BASELINE("1.2.840.10008.1.2.4.50", "JPEG Baseline (Process 1)", Codec.JPEG),
  JPEG_EXTENDED("1.2.840.10008.1.2.4.51", "JPEG Extended (Process 2 & 4)", Codec.JPEG),
  JPEG_LOSSLESS(
      "1.2.840.10008.1.2.4.57", "JPEG Lossless, Non-Hierarchical (Process 14)", Codec.JPEG),
  JPEG_LOSSLESS_SV1("1.2.840.10008.1.2.4.70",
      "JPEG Lossless, Non-Hierarchical, First-Order Prediction (Process 14 SV1)", Codec.JPEG),
  JPEG_LS_LOSSLESS("1.2.840.10008.1.2.4.80", "JPEG-LS Lossless", Codec.UNSUPPORTED),
  JPEG_LS_NEAR_LOSSLESS(
      "1.2.840.10008.1.2.4.81", "JPEG-LS Lossy (Near-Lossless)", Codec.UNSUPPORTED),
  JPEG_2000_LOSSLESS("1.2.840.10008.1.2.4.90", "JPEG 2000 Lossless Only", Codec.JPEG_2000),
  JPEG_2000("1.2.840.10008.1.2.4.91", "JPEG 2000", Codec.JPEG_2000),
  HTJ2K_LOSSLESS(
      "1.2.840.10008.1.2.4.201", "High-Throughput JPEG 2000 Lossless Only", Codec.UNSUPPORTED),
  HTJ2K_RPCL_LOSSLESS("1.2.840.10008.1.2.4.202",
      "High-Throughput JPEG 2000 with RPCL Options Lossless Only", Codec.UNSUPPORTED),
  HTJ2K("1.2.840.10008.1.2.4.203", "High-Throughput JPEG 2000", Codec.UNSUPPORTED),
  RLE_LOSSLESS("1.2.840.10008.1.2.5", "RLE Lossless", Codec.RLE);

  /** How the pixel data of a syntax is stored. */
  public enum Codec {
    /** Native (uncompressed) pixel data. */
    NATIVE,
    /** Encapsulated JPEG (baseline, extended, lossless): decoded with TwelveMonkeys ImageIO. */
    JPEG,
    /** Encapsulated JPEG 2000 codestreams: decoded with jai-imageio-jpeg2000. */
    JPEG_2000,
    /** Encapsulated RLE Lossless (PS3.5 Annex G): decoded by {@link RleDecoder}. */
    RLE,
    /** Known, but no decoder on Maven Central that we ship (JPEG-LS, HTJ2K). */
    UNSUPPORTED
  }

  private final String uid;
  private final String title;
  private final Codec codec;

  TransferSyntax(String uid, String title, Codec codec) {
    this.uid = uid;
    this.title = title;
    this.codec = codec;
  }

  /** The transfer syntax UID. */
  public String uid() {
    return uid;
  }

  /** The name PS3.6 gives it. */
  public String title() {
    return title;
  }

  /** How its pixel data is decoded. */
  public Codec codec() {
    return codec;
  }

  /** True when the data set after the file meta group is deflated (RFC 1951, no zlib header). */
  public boolean deflated() {
    return this == DEFLATED_EXPLICIT_VR_LITTLE_ENDIAN;
  }

  /** True when the data set's numbers are big endian. */
  public boolean bigEndian() {
    return this == EXPLICIT_VR_BIG_ENDIAN;
  }

  /** True when the data set has no VR field (Implicit VR Little Endian only). */
  public boolean implicitVr() {
    return this == IMPLICIT_VR_LITTLE_ENDIAN;
  }

  /** True when the pixel data is encapsulated (compressed fragments). */
  public boolean encapsulated() {
    return codec != Codec.NATIVE;
  }

  /**
   * For a syntax without a decoder here, how to get the instance in one that has: the tool that
   * decodes it, to run in the router (or the syntax to ask the sender for); empty otherwise.
   */
  public String fix() {
    return switch (this) {
      case JPEG_LS_LOSSLESS, JPEG_LS_NEAR_LOSSLESS -> "transcode it in the router with dcmtk's "
          + "'dcmdjpls in.dcm out.dcm' or GDCM's 'gdcmconv --raw in.dcm out.dcm' (Orthanc: "
          + "\"IngestTranscoding\": \"1.2.840.10008.1.2.4.70\"), or let the sender use JPEG "
          + "Lossless (1.2.840.10008.1.2.4.70)";
      case HTJ2K_LOSSLESS, HTJ2K_RPCL_LOSSLESS, HTJ2K -> "let the sender use JPEG 2000 Lossless "
          + "(1.2.840.10008.1.2.4.90) or JPEG Lossless (1.2.840.10008.1.2.4.70), or transcode it "
          + "with a toolkit that decodes HTJ2K (OpenJPEG 2.5 or later, e.g. dcm4che's "
          + "'dcm2dcm -t 1.2.840.10008.1.2.1 in.dcm out.dcm'); dcmtk's and GDCM's Debian "
          + "builds do not decode it ('gdcmconv --raw' fails on it)";
      default -> "";
    };
  }

  /** True for the syntaxes whose decoded pixels may differ from the original. */
  public boolean lossy() {
    return this == JPEG_BASELINE || this == JPEG_EXTENDED || this == JPEG_2000
        || this == JPEG_LS_NEAR_LOSSLESS || this == HTJ2K;
  }

  /** The syntax with this UID, if known. */
  public static Optional<TransferSyntax> of(String uid) {
    return Arrays.stream(values()).filter(t -> t.uid.equals(uid)).findFirst();
  }

  @Override
  public String toString() {
    return uid + " (" + title + ")";
  }
}
