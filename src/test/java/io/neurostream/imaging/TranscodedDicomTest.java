package io.neurostream.imaging;

import static io.neurostream.imaging.DicomReaderTest.assertSameImage;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.neurostream.imaging.DicomTools.Transcode;
import io.neurostream.imaging.ImageDecodeException.Reason;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every transfer syntax a PACS sends, made by dcmtk and GDCM from one of our uncompressed files:
 * lossless syntaxes must decode to exactly the original's pixels, lossy ones close to them.
 */
class TranscodedDicomTest {

  @TempDir static Path dir;
  static long seed;
  static GrayImage image;
  static Path original16;
  static Path original8;

  @BeforeAll
  static void writeOriginals() throws Exception {
    seed = Long.getLong("neurostream.test.seed", System.nanoTime());
    System.out.println("TranscodedDicomTest seed=" + seed);
    image = texture(96, 80, new Random(seed));
    original16 = DicomTools.write(dir.resolve("original16.dcm"),
        DicomWriter.builder().optPatientId("sub-0001").optInstanceNumber(4).build().write(image));
    original8 = DicomTools.write(dir.resolve("original8.dcm"),
        DicomWriter.builder().optBitsAllocated(8).build().write(image));
  }

  /** Smooth anatomy-like structure plus seeded noise: realistic for codecs, odd sizes on purpose. */
  static GrayImage texture(int w, int h, Random random) {
    float[] p = new float[w * h];
    for (int y = 0; y < h; y++) {
      for (int x = 0; x < w; x++) {
        double dx = (x - w / 2.0) / (w / 2.5);
        double dy = (y - h / 2.0) / (h / 2.5);
        double r = dx * dx + dy * dy;
        double v = r < 1 ? 0.35 + 0.4 * Math.cos(6 * r) * Math.cos(3 * dx) : 0.02;
        p[y * w + x] = (float) Math.min(1, Math.max(0, v + 0.05 * random.nextGaussian()));
      }
    }
    return new GrayImage(w, h, p);
  }

  static Stream<Transcode> sixteenBit() {
    return DicomTools.sixteenBit().stream();
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("sixteenBit")
  void shouldDecodeWhatDcmtkAndGdcmWrite(Transcode transcode) throws Exception {
    // given the original, transcoded by a third-party tool
    Path out = transcode.apply(original16, dir.resolve(transcode.syntax().name() + ".dcm"));
    byte[] bytes = Files.readAllBytes(out);
    DicomSlice expected = DicomReader.read(Files.readAllBytes(original16));
    // when
    DicomSlice actual = DicomReader.read(bytes);
    // then
    assertThat(actual.transferSyntaxUid()).isEqualTo(transcode.syntax().uid());
    if (!transcode.syntax().lossy()) { // GDCM gives lossy copies a new SOP Instance UID
      assertThat(actual.sopInstanceUid()).isEqualTo(expected.sopInstanceUid());
    }
    assertThat(actual.patientId()).isEqualTo("sub-0001");
    assertThat(actual.instanceNumber()).isEqualTo(4);
    if (transcode.syntax().lossy()) {
      // the codec's own loss is GDCM's to judge: our pixels must be the ones GDCM decodes
      assertThat(actual.image()).as("pixels as GDCM decodes them").isEqualTo(decodedByGdcm(out));
      assertThat(meanAbsoluteDifference(actual.image(), expected.image()))
          .as("mean absolute difference of a lossy syntax").isLessThan(0.05);
    } else {
      assertThat(actual.image()).as("lossless pixels").isEqualTo(expected.image());
    }
  }

  @Test
  void shouldDecodeJpegBaselineCloseToTheOriginal() throws Exception {
    Path out = DicomTools.jpegBaseline().apply(original8, dir.resolve("baseline.dcm"));
    DicomSlice actual = DicomReader.read(Files.readAllBytes(out));
    DicomSlice expected = DicomReader.read(Files.readAllBytes(original8));
    assertThat(actual.transferSyntaxUid()).isEqualTo(TransferSyntax.JPEG_BASELINE.uid());
    assertThat(actual.image()).as("pixels as GDCM decodes them").isEqualTo(decodedByGdcm(out));
    assertThat(meanAbsoluteDifference(actual.image(), expected.image())).isLessThan(0.02);
    assertSameImage(actual.image(), expected.image(), 0.25f);
  }

  @Test
  void shouldDecodeEightBitJpegExtendedAndRefuseTwelveBitByNameWithTheFix() throws Exception {
    Path eight = DicomTools.jpegExtended().apply(original8, dir.resolve("extended8.dcm"));
    DicomSlice actual = DicomReader.read(Files.readAllBytes(eight));
    assertThat(actual.transferSyntaxUid()).isEqualTo(TransferSyntax.JPEG_EXTENDED.uid());
    assertThat(meanAbsoluteDifference(actual.image(),
        DicomReader.read(Files.readAllBytes(original8)).image())).isLessThan(0.02);

    Path twelve = DicomTools.jpegExtended().apply(original16, dir.resolve("extended12.dcm"));
    byte[] bytes = Files.readAllBytes(twelve);
    assertThatThrownBy(() -> DicomReader.read(bytes))
        .isInstanceOfSatisfying(ImageDecodeException.class, e -> {
          assertThat(e.reason()).isEqualTo(Reason.UNSUPPORTED_TRANSFER_SYNTAX);
          assertThat(e.getMessage()).contains("JPEG Extended", "precision 12", "JPEG Lossless");
        });
  }

  @Test
  void shouldRefuseJpegLsByNameWithTheFix() throws Exception {
    Path out = DicomTools.jpegLs().apply(original16, dir.resolve("jpegls.dcm"));
    byte[] bytes = Files.readAllBytes(out);
    assertThatThrownBy(() -> DicomReader.read(bytes))
        .isInstanceOfSatisfying(ImageDecodeException.class, e -> {
          assertThat(e.reason()).isEqualTo(Reason.UNSUPPORTED_TRANSFER_SYNTAX);
          assertThat(e.getMessage()).contains("1.2.840.10008.1.2.4.80", "JPEG-LS", "dcmdjpls");
        });
  }

  @Test
  void shouldDecodeEveryFrameOfAMultiFrameRleInstance() throws Exception {
    // given three frames written by our writer as one native instance, RLE-encoded by dcmtk
    GrayImage[] frames = {image, texture(96, 80, new Random(seed + 1)),
        texture(96, 80, new Random(seed + 2))};
    byte[] multi = DicomWriter.builder().build().writeFrames(frames);
    Path native3 = DicomTools.write(dir.resolve("multi-native.dcm"), multi);
    Path rle3 = new Transcode("dcmcrle", TransferSyntax.RLE_LOSSLESS, java.util.List.of("dcmcrle"))
        .apply(native3, dir.resolve("multi-rle.dcm"));
    // when
    DicomInstance nativeInstance = DicomReader.open(multi, DecodeLimits.DEFAULT);
    DicomInstance rleInstance = DicomReader.open(Files.readAllBytes(rle3), DecodeLimits.DEFAULT);
    // then
    assertThat(rleInstance.frames()).isEqualTo(3);
    for (int i = 0; i < 3; i++) {
      assertThat(rleInstance.frame(i).image()).isEqualTo(nativeInstance.frame(i).image());
      assertSameImage(nativeInstance.frame(i).image(), frames[i], 0.51f / 4095);
    }
    assertThatThrownBy(() -> DicomReader.read(multi))
        .hasMessageContaining("3 frames");
  }

  /** The file decoded by GDCM ({@code gdcmconv --raw}), read back as native pixels. */
  static GrayImage decodedByGdcm(Path compressed) throws Exception {
    Path raw = dir.resolve("raw-" + compressed.getFileName());
    DicomTools.run(java.util.List.of("gdcmconv", "--raw", compressed.toString(), raw.toString()));
    return DicomReader.read(Files.readAllBytes(raw)).image();
  }

  static double meanAbsoluteDifference(GrayImage a, GrayImage b) {
    assertThat(a.width()).isEqualTo(b.width());
    assertThat(a.height()).isEqualTo(b.height());
    double sum = 0;
    for (int i = 0; i < a.pixels().length; i++) {
      sum += Math.abs(a.pixels()[i] - b.pixels()[i]);
    }
    return sum / a.pixels().length;
  }
}
