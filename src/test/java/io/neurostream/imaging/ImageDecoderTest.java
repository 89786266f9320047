package io.neurostream.imaging;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import io.neurostream.avro.ImageEncoding;
import io.neurostream.imaging.ImageDecodeException.Reason;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.Arrays;
import javax.imageio.ImageIO;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.Test;

class ImageDecoderTest {

  static byte[] encode(BufferedImage img, String format) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    assertThat(ImageIO.write(img, format, out)).isTrue();
    return out.toByteArray();
  }

  static void assertReason(ThrowingCallable call, Reason reason, String messagePart) {
    assertThatThrownBy(call)
        .isInstanceOfSatisfying(ImageDecodeException.class, e -> assertThat(e.reason()).isEqualTo(reason))
        .hasMessageContaining(messagePart);
  }

  @Test
  void shouldDecodeGrayPngExactly() throws IOException {
    BufferedImage img = new BufferedImage(3, 2, BufferedImage.TYPE_BYTE_GRAY);
    img.getRaster().setSamples(0, 0, 3, 2, 0, new int[] {0, 51, 102, 153, 204, 255});

    GrayImage g = ImageDecoder.decode(encode(img, "png"), ImageEncoding.PNG, 3, 2);

    assertThat(g.width()).isEqualTo(3);
    assertThat(g.height()).isEqualTo(2);
    assertThat(g.pixels()).containsExactly(new float[] {0f, 0.2f, 0.4f, 0.6f, 0.8f, 1f}, within(1e-6f));
  }

  @Test
  void shouldScaleSixteenBitPngByItsFullRange() throws IOException {
    BufferedImage img = new BufferedImage(2, 1, BufferedImage.TYPE_USHORT_GRAY);
    img.getRaster().setSamples(0, 0, 2, 1, 0, new int[] {65535, 16384});

    GrayImage g = ImageDecoder.decode(encode(img, "png"), ImageEncoding.PNG, 0, 0);

    assertThat(g.pixels()).containsExactly(new float[] {1f, 16384 / 65535f}, within(1e-6f));
  }

  @Test
  void shouldTurnRgbAndArgbIntoLuminance() throws IOException {
    for (int type : new int[] {BufferedImage.TYPE_INT_RGB, BufferedImage.TYPE_INT_ARGB,
        BufferedImage.TYPE_3BYTE_BGR}) {
      BufferedImage img = new BufferedImage(3, 1, type);
      img.setRGB(0, 0, 0xffff0000); // red
      img.setRGB(1, 0, 0xff808080); // gray 128
      img.setRGB(2, 0, 0xff0000ff); // blue

      GrayImage g = ImageDecoder.decode(encode(img, "png"), ImageEncoding.PNG, 0, 0);

      assertThat(g.pixels())
          .as("type %d", type)
          .containsExactly(new float[] {0.299f, 128 / 255f, 0.114f}, within(1e-3f));
    }
  }

  @Test
  void shouldDecodeGrayAndColourJpegApproximately() throws IOException {
    BufferedImage gray = new BufferedImage(16, 16, BufferedImage.TYPE_BYTE_GRAY);
    BufferedImage rgb = new BufferedImage(16, 16, BufferedImage.TYPE_INT_RGB);
    for (int y = 0; y < 16; y++) {
      for (int x = 0; x < 16; x++) {
        gray.getRaster().setSample(x, y, 0, 100);
        rgb.setRGB(x, y, 0x646464);
      }
    }
    for (BufferedImage img : new BufferedImage[] {gray, rgb}) {
      GrayImage g = ImageDecoder.decode(encode(img, "jpeg"), ImageEncoding.JPEG, 0, 0);
      assertThat(g.width()).isEqualTo(16);
      for (float v : g.pixels()) {
        assertThat(v).isCloseTo(100 / 255f, within(3 / 255f));
      }
    }
  }

  @Test
  void shouldDecodeRawU8AndRequireExactLength() {
    GrayImage g = ImageDecoder.decode(new byte[] {0, (byte) 255, (byte) 128, 1}, ImageEncoding.RAW_U8, 2, 2);
    assertThat(g.pixels()).containsExactly(new float[] {0f, 1f, 128 / 255f, 1 / 255f}, within(1e-6f));

    assertReason(() -> ImageDecoder.decode(new byte[5], ImageEncoding.RAW_U8, 2, 2),
        Reason.PAYLOAD_SIZE_MISMATCH, "needs 4 bytes, got 5");
  }

  @Test
  void shouldWindowRawU16ByItsMinAndMax() {
    byte[] le = {(byte) 0xe8, 0x03, (byte) 0xd0, 0x07, (byte) 0xa0, 0x0f, (byte) 0xb8, 0x0b};
    // 1000, 2000, 4000, 3000
    GrayImage g = ImageDecoder.decode(le, ImageEncoding.RAW_U16_LE, 2, 2);
    assertThat(g.pixels()).containsExactly(new float[] {0f, 1 / 3f, 1f, 2 / 3f}, within(1e-6f));

    GrayImage flat = ImageDecoder.decode(new byte[8], ImageEncoding.RAW_U16_LE, 2, 2);
    assertThat(flat.pixels()).containsOnly(0f);

    assertReason(() -> ImageDecoder.decode(new byte[7], ImageEncoding.RAW_U16_LE, 2, 2),
        Reason.PAYLOAD_SIZE_MISMATCH, "needs 8 bytes");
  }

  @Test
  void shouldRefuseZeroAndOversizedDimensions() {
    assertReason(() -> ImageDecoder.decode(new byte[1], ImageEncoding.RAW_U8, 0, 1),
        Reason.DIMENSIONS_OUT_OF_RANGE, "0x1");
    assertReason(() -> ImageDecoder.decode(new byte[1], ImageEncoding.RAW_U8, 5000, 1),
        Reason.DIMENSIONS_OUT_OF_RANGE, "4096x4096");
  }

  @Test
  void shouldRefuseADecompressionBombFromItsHeaderWithoutDecodingIt() throws IOException {
    // given a PNG whose header claims 3000x3000: tiny on disk, 9 M pixels once decoded
    byte[] png = encode(new BufferedImage(3000, 3000, BufferedImage.TYPE_BYTE_GRAY), "png");
    assertThat(png.length).isLessThan(100_000);

    assertReason(
        () -> ImageDecoder.decode(png, ImageEncoding.PNG, 0, 0, new DecodeLimits(1024, 1024)),
        Reason.DIMENSIONS_OUT_OF_RANGE, "PNG header declares 3000x3000");
  }

  @Test
  void shouldFailClearlyOnCorruptTruncatedOrMislabelledImages() throws IOException {
    BufferedImage img = new BufferedImage(64, 64, BufferedImage.TYPE_BYTE_GRAY);
    for (int i = 0; i < 64; i++) {
      img.getRaster().setSample(i, i, 0, 200);
    }
    byte[] png = encode(img, "png");
    byte[] jpeg = encode(img, "jpeg");

    assertReason(() -> ImageDecoder.decode(new byte[0], ImageEncoding.PNG, 0, 0),
        Reason.IMAGE_DECODE_FAILED, "empty");
    assertReason(() -> ImageDecoder.decode(Arrays.copyOf(png, png.length / 2), ImageEncoding.PNG, 0, 0),
        Reason.IMAGE_DECODE_FAILED, "PNG image");
    assertReason(() -> ImageDecoder.decode(Arrays.copyOf(jpeg, jpeg.length / 2), ImageEncoding.JPEG, 0, 0),
        Reason.IMAGE_DECODE_FAILED, "JPEG image");
    assertReason(() -> ImageDecoder.decode(jpeg, ImageEncoding.PNG, 0, 0),
        Reason.IMAGE_DECODE_FAILED, "encoding is PNG but the bytes have a JPEG signature");
    assertReason(() -> ImageDecoder.decode("hello".getBytes(), ImageEncoding.JPEG, 0, 0),
        Reason.IMAGE_DECODE_FAILED, "no known signature");
  }

  @Test
  void shouldDecodeALargePngStraightToASubsampledSizeWithTheSameSamples() {
    // given a valid 2048 x 1536 16-bit RGBA PNG (issue 13 B: small on the wire, huge decoded)
    byte[] png = LargePngs.rgba16(2048, 1536, 3);

    // when it is decoded keeping at least 512 pixels per axis
    GrayImage reduced = ImageDecoder.decode(png, ImageEncoding.PNG, 0, 0, DecodeLimits.DEFAULT, 512);
    GrayImage full = ImageDecoder.decode(png, ImageEncoding.PNG, 0, 0, DecodeLimits.DEFAULT);

    // then each axis is subsampled by its whole factor (4 and 3), sample for sample
    assertThat(reduced.width()).isEqualTo(512);
    assertThat(reduced.height()).isEqualTo(512);
    for (int y = 0; y < reduced.height(); y += 37) {
      for (int x = 0; x < reduced.width(); x += 41) {
        assertThat(reduced.pixel(x, y)).as("(%d, %d)", x, y).isEqualTo(full.pixel(4 * x, 3 * y));
        assertThat(reduced.pixel(x, y)).isCloseTo(
            LargePngs.value(4 * x, 3 * y, 2048, 1536, 3) / 65535f, within(1e-6f));
      }
    }
  }

  @Test
  void shouldDecodeImagesBelowTwiceTheKeptSideExactlyAsWithoutIt() {
    byte[] png = LargePngs.rgba16(1023, 600, 1);
    assertThat(ImageDecoder.decode(png, ImageEncoding.PNG, 0, 0, DecodeLimits.DEFAULT, 512))
        .isEqualTo(ImageDecoder.decode(png, ImageEncoding.PNG, 0, 0, DecodeLimits.DEFAULT));
  }

  @Test
  void shouldStillRefuseAHeaderAboveTheLimitsBeforeDecodingAnything() {
    byte[] png = LargePngs.rgba16(4100, 16, 1);
    assertThatThrownBy(() -> ImageDecoder.decode(png, ImageEncoding.PNG, 0, 0, DecodeLimits.DEFAULT, 512))
        .isInstanceOfSatisfying(ImageDecodeException.class, e -> assertThat(e.reason())
            .isEqualTo(ImageDecodeException.Reason.DIMENSIONS_OUT_OF_RANGE));
  }
}
