package io.neurostream.imaging;

import static io.neurostream.imaging.ImageDecoderTest.assertReason;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.neurostream.avro.ImageEncoding;
import io.neurostream.imaging.ImageDecodeException.Reason;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.LocalDateTime;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

class DicomReaderTest {

  /** A 40x30 gradient with a bright square, so orientation errors show. */
  static GrayImage sample() {
    int w = 40;
    int h = 30;
    float[] p = new float[w * h];
    for (int y = 0; y < h; y++) {
      for (int x = 0; x < w; x++) {
        p[y * w + x] = (x >= 5 && x < 10 && y >= 3 && y < 8) ? 1f : (x + 2 * y) / 100f;
      }
    }
    return new GrayImage(w, h, p);
  }

  static void assertSameImage(GrayImage actual, GrayImage expected, float tolerance) {
    assertThat(actual.width()).isEqualTo(expected.width());
    assertThat(actual.height()).isEqualTo(expected.height());
    float worst = 0;
    int at = -1;
    for (int i = 0; i < expected.pixels().length; i++) {
      float d = Math.abs(actual.pixels()[i] - expected.pixels()[i]);
      if (d > worst) {
        worst = d;
        at = i;
      }
    }
    assertThat(worst).as("largest difference, at pixel %d", at).isLessThanOrEqualTo(tolerance);
  }

  @Test
  void shouldRoundTripExplicitVrSixteenBitWithAttributes() {
    // given
    DicomWriter writer = DicomWriter.builder()
        .optStudyInstanceUid("1.2.3.4")
        .optSeriesInstanceUid("1.2.3.4.5")
        .optSopInstanceUid("1.2.3.4.5.6")
        .optPatientId("sub-0007")
        .optInstanceNumber(12)
        .optAcquisitionDateTime(LocalDateTime.of(2024, 3, 1, 14, 30, 5, 250_000_000))
        .optRescale(2, -100)
        .build();
    // when
    DicomSlice slice = DicomReader.read(writer.write(sample()));
    // then
    assertSameImage(slice.image(), sample(), 0.51f / 4095);
    assertThat(slice.transferSyntaxUid()).isEqualTo("1.2.840.10008.1.2.1");
    assertThat(slice.studyInstanceUid()).isEqualTo("1.2.3.4");
    assertThat(slice.seriesInstanceUid()).isEqualTo("1.2.3.4.5");
    assertThat(slice.sopInstanceUid()).isEqualTo("1.2.3.4.5.6");
    assertThat(slice.patientId()).isEqualTo("sub-0007");
    assertThat(slice.instanceNumber()).isEqualTo(12);
    assertThat(slice.acquisitionInstant()).contains(Instant.parse("2024-03-01T14:30:05.250Z"));
    assertThat(slice.pixelFormat().bitsAllocated()).isEqualTo(16);
    assertThat(slice.pixelFormat().bitsStored()).isEqualTo(12);
    assertThat(slice.pixelFormat().rescaleSlope()).isEqualTo(2);
    assertThat(slice.pixelFormat().rescaleIntercept()).isEqualTo(-100);
    assertThat(slice.attributes()).containsEntry("modality", "MR");
  }

  @Test
  void shouldRoundTripImplicitVrEightBit() {
    byte[] dcm = DicomWriter.builder().optImplicitVr(true).optBitsAllocated(8).build().write(sample());

    DicomSlice slice = DicomReader.read(dcm);

    assertThat(slice.transferSyntaxUid()).isEqualTo("1.2.840.10008.1.2");
    assertSameImage(slice.image(), sample(), 0.51f / 255);
  }

  @Test
  void shouldInvertMonochromeOneAndWindowByMinMaxWithoutAWindow() {
    GrayImage img = sample();
    DicomSlice inverted = DicomReader.read(DicomWriter.builder().optMonochrome1(true).build().write(img));
    assertSameImage(inverted.image(), img, 0.51f / 4095);

    // without a window the stored range [0, 4095] maps to the image's own min and max; sample()
    // spans exactly [0, 1], so the result is the same
    DicomSlice minMax = DicomReader.read(DicomWriter.builder().optWindow(false).build().write(img));
    assertThat(minMax.pixelFormat().windowCenter()).isNull();
    assertSameImage(minMax.image(), img, 0.51f / 4095);
  }

  @Test
  void shouldDecodeDicomThroughTheImageDecoder() {
    byte[] dcm = DicomWriter.builder().build().write(sample());
    GrayImage g = ImageDecoder.decode(dcm, ImageEncoding.DICOM, 0, 0);
    assertSameImage(g, sample(), 0.51f / 4095);
  }

  @Test
  void shouldSkipUndefinedLengthSequencesWithoutReadingTheirNestedAttributes() {
    for (boolean implicit : new boolean[] {false, true}) {
      // given a file with an icon-like sequence whose nested Rows would be wrong if read
      byte[] dcm = DicomWriter.builder().optImplicitVr(implicit).build().write(sample());
      byte[] withSequence = insertAfterFileMeta(dcm, undefinedLengthSequence(implicit));
      // when
      DicomSlice slice = DicomReader.read(withSequence);
      // then
      assertThat(slice.pixelFormat().rows()).as("implicit=%s", implicit).isEqualTo(30);
      assertSameImage(slice.image(), sample(), 0.51f / 4095);
    }
  }

  @Test
  void shouldReportTruncatedFilesClearly() {
    byte[] dcm = DicomWriter.builder().build().write(sample());

    assertReason(() -> DicomReader.read(Arrays.copyOf(dcm, dcm.length - 10)),
        Reason.IMAGE_DECODE_FAILED, "truncated in element (7FE0,0010)");
    assertReason(() -> DicomReader.read(Arrays.copyOf(dcm, 300)),
        Reason.IMAGE_DECODE_FAILED, "truncated");
    assertReason(() -> DicomReader.read(Arrays.copyOf(dcm, 100)),
        Reason.IMAGE_DECODE_FAILED, "no 'DICM' marker");
  }

  @Test
  void shouldRefuseSyntaxesWithoutADecoderByNameWithTheFix() {
    byte[] dcm = DicomWriter.builder().build().write(sample());
    assertReason(() -> DicomReader.read(withTransferSyntax(dcm, "1.2.840.10008.1.2.4.80")),
        Reason.UNSUPPORTED_TRANSFER_SYNTAX, "1.2.840.10008.1.2.4.80 (JPEG-LS Lossless)");
    for (String htj2k : new String[] {"1.2.840.10008.1.2.4.201", "1.2.840.10008.1.2.4.202",
        "1.2.840.10008.1.2.4.203"}) {
      assertReason(() -> DicomReader.read(withTransferSyntax(dcm, htj2k)),
          Reason.UNSUPPORTED_TRANSFER_SYNTAX, htj2k + " (High-Throughput JPEG 2000");
      assertReason(() -> DicomReader.read(withTransferSyntax(dcm, htj2k)),
          Reason.UNSUPPORTED_TRANSFER_SYNTAX, "JPEG 2000 Lossless (1.2.840.10008.1.2.4.90)");
    }
    assertReason(() -> DicomReader.read(withTransferSyntax(dcm, "1.2.840.10008.1.2.4.81")),
        Reason.UNSUPPORTED_TRANSFER_SYNTAX, "dcmdjpls in.dcm out.dcm");
    assertReason(() -> DicomReader.read(withTransferSyntax(dcm, "1.2.3.4.5")),
        Reason.UNSUPPORTED_TRANSFER_SYNTAX, "1.2.3.4.5 is unknown");
  }

  @Test
  void shouldRefuseNativePixelDataLabelledCompressed() {
    byte[] dcm = DicomWriter.builder().build().write(sample());
    assertReason(() -> DicomReader.read(withTransferSyntax(dcm, "1.2.840.10008.1.2.4.70")),
        Reason.IMAGE_DECODE_FAILED, "must have undefined length");
  }

  @Test
  void shouldRoundTripDeflatedAndRleWrittenByOurWriter() {
    for (TransferSyntax syntax : DicomWriter.WRITABLE) {
      DicomSlice slice = DicomReader.read(
          DicomWriter.builder().optTransferSyntax(syntax).build().write(sample()));
      assertThat(slice.transferSyntaxUid()).isEqualTo(syntax.uid());
      assertSameImage(slice.image(), sample(), 0.51f / 4095);
    }
  }

  @Test
  void shouldRefuseImagesLargerThanTheLimitsBeforeReadingPixels() {
    byte[] dcm = DicomWriter.builder().build().write(sample());
    assertReason(() -> DicomReader.read(dcm, new DecodeLimits(32, 32)),
        Reason.DIMENSIONS_OUT_OF_RANGE, "DICOM Rows/Columns declares 40x30");
  }

  @Test
  void shouldReadSignedPixelsWithRescale() {
    // given 16-bit signed stored values -100, 0, 100, 300 in a hand-built explicit VR file
    ByteArrayOutputStream ds = new ByteArrayOutputStream();
    explicit(ds, 0x00280010, "US", le16(2));
    explicit(ds, 0x00280011, "US", le16(2));
    explicit(ds, 0x00280100, "US", le16(16));
    explicit(ds, 0x00280101, "US", le16(16));
    explicit(ds, 0x00280103, "US", le16(1));
    ByteBuffer px = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN);
    px.putShort((short) -100).putShort((short) 0).putShort((short) 100).putShort((short) 300);
    explicit(ds, 0x7FE00010, "OW", px.array());
    byte[] head = DicomWriter.builder().build().write(new GrayImage(1, 1, new float[1]));
    byte[] dcm = concat(Arrays.copyOf(head, fileMetaEnd(head)), ds.toByteArray());
    // when
    DicomSlice slice = DicomReader.read(dcm);
    // then min/max window over -100..300
    assertThat(slice.pixelFormat().signed()).isTrue();
    assertThat(slice.image().pixels()).containsExactly(new float[] {0f, 0.25f, 0.5f, 1f}, within(1e-6f));
  }

  @Test
  void shouldRefuseColourImages() {
    // given the writer's SamplesPerPixel (0028,0002) US 1 patched to 3
    byte[] dcm = DicomWriter.builder().build().write(sample());
    byte[] element = {0x28, 0, 0x02, 0, 'U', 'S', 2, 0, 1, 0};
    int at = indexOf(dcm, element);
    assertThat(at).isPositive();
    dcm[at + 8] = 3;

    assertReason(() -> DicomReader.read(dcm),
        Reason.UNSUPPORTED_PIXEL_FORMAT, "3 samples per pixel");
  }

  static int indexOf(byte[] haystack, byte[] needle) {
    outer:
    for (int i = 0; i + needle.length <= haystack.length; i++) {
      for (int j = 0; j < needle.length; j++) {
        if (haystack[i + j] != needle[j]) {
          continue outer;
        }
      }
      return i;
    }
    return -1;
  }

  // --- helpers building DICOM fragments by hand -------------------------------------------

  static int fileMetaEnd(byte[] dcm) {
    int pos = 132;
    while ((dcm[pos] & 0xff | (dcm[pos + 1] & 0xff) << 8) == 2) {
      String vr = new String(dcm, pos + 4, 2, StandardCharsets.US_ASCII);
      if (vr.equals("OB") || vr.equals("UN")) {
        pos += 12 + ByteBuffer.wrap(dcm, pos + 8, 4).order(ByteOrder.LITTLE_ENDIAN).getInt();
      } else {
        pos += 8 + ((dcm[pos + 6] & 0xff) | (dcm[pos + 7] & 0xff) << 8);
      }
    }
    return pos;
  }

  static byte[] insertAfterFileMeta(byte[] dcm, byte[] fragment) {
    int at = fileMetaEnd(dcm);
    return concat(Arrays.copyOf(dcm, at), fragment, Arrays.copyOfRange(dcm, at, dcm.length));
  }

  static byte[] withTransferSyntax(byte[] dcm, String uid) {
    String text = new String(dcm, StandardCharsets.ISO_8859_1);
    String old = DicomReader.EXPLICIT_VR_LE + "\0";
    int at = text.indexOf(old);
    ByteArrayOutputStream meta = new ByteArrayOutputStream();
    byte[] v = (uid.length() % 2 == 0 ? uid : uid + "\0").getBytes(StandardCharsets.US_ASCII);
    explicit(meta, 0x00020010, "UI", v);
    // replace the whole (0002,0010) element: header of 8 bytes precedes the value
    return concat(Arrays.copyOf(dcm, at - 8), meta.toByteArray(),
        Arrays.copyOfRange(dcm, at + old.length(), dcm.length));
  }

  /** (0008,1140) of undefined length: one undefined-length item holding Rows=999 and a nested
   * undefined-length sequence, then one defined-length item. */
  static byte[] undefinedLengthSequence(boolean implicit) {
    ByteArrayOutputStream o = new ByteArrayOutputStream();
    header(o, 0x00081140, "SQ", 0xFFFFFFFF, implicit);
    raw(o, 0xFFFEE000, 0xFFFFFFFF);
    element(o, 0x00280010, "US", le16(999), implicit);
    header(o, 0x00089215, "SQ", 0xFFFFFFFF, implicit);
    raw(o, 0xFFFEE000, 0xFFFFFFFF);
    element(o, 0x00280011, "US", le16(999), implicit);
    raw(o, 0xFFFEE00D, 0);
    raw(o, 0xFFFEE0DD, 0);
    raw(o, 0xFFFEE00D, 0);
    ByteArrayOutputStream item = new ByteArrayOutputStream();
    element(item, 0x00280010, "US", le16(777), implicit);
    raw(o, 0xFFFEE000, item.size());
    o.writeBytes(item.toByteArray());
    raw(o, 0xFFFEE0DD, 0);
    return o.toByteArray();
  }

  static void element(ByteArrayOutputStream o, int tag, String vr, byte[] v, boolean implicit) {
    header(o, tag, vr, v.length, implicit);
    o.writeBytes(v);
  }

  static void explicit(ByteArrayOutputStream o, int tag, String vr, byte[] v) {
    element(o, tag, vr, v, false);
  }

  static void header(ByteArrayOutputStream o, int tag, String vr, int length, boolean implicit) {
    ByteBuffer h = ByteBuffer.allocate(12).order(ByteOrder.LITTLE_ENDIAN);
    h.putShort((short) (tag >>> 16)).putShort((short) tag);
    if (implicit) {
      h.putInt(length);
    } else if (vr.equals("SQ") || vr.equals("OB") || vr.equals("OW") || vr.equals("UN")) {
      h.put(vr.getBytes(StandardCharsets.US_ASCII)).putShort((short) 0).putInt(length);
    } else {
      h.put(vr.getBytes(StandardCharsets.US_ASCII)).putShort((short) length);
    }
    o.write(h.array(), 0, h.position());
  }

  static void raw(ByteArrayOutputStream o, int tag, int length) {
    header(o, tag, null, length, true);
  }

  static byte[] le16(int v) {
    return new byte[] {(byte) v, (byte) (v >>> 8)};
  }

  static byte[] concat(byte[]... parts) {
    ByteArrayOutputStream o = new ByteArrayOutputStream();
    for (byte[] p : parts) {
      o.writeBytes(p);
    }
    return o.toByteArray();
  }
}
