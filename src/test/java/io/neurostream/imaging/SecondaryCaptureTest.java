package io.neurostream.imaging;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.neurostream.imaging.SecondaryCapture.StudyAttribute;
import java.awt.image.BufferedImage;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SecondaryCaptureTest {

  static final String STUDY = DicomWriter.uidFromName("sc-test/study");
  static final String SERIES = DicomWriter.uidFromName("sc-test/series");
  static final String SOP = DicomWriter.uidFromName("sc-test/sop");

  @TempDir Path dir;

  @Test
  void shouldWriteAnRgbSecondaryCaptureThatOurParserReadsBackExactly() {
    // given a random RGB picture (odd width: no row padding in DICOM)
    long seed = 20261202L;
    System.out.println("SecondaryCaptureTest seed=" + seed);
    BufferedImage rgb = picture(seed, 7, 5);
    // when
    byte[] dcm = capture().write(rgb);
    // then the Part 10 header names the SC class and instance, and the data set is as written
    assertThat(DicomReader.looksLikeDicom(dcm)).isTrue();
    assertThat(DicomReader.peekSopUids(dcm)).containsExactly(SecondaryCapture.SOP_CLASS_UID, SOP);
    int[] metaEnd = new int[1];
    assertThat(DataSetParser.transferSyntaxOf(dcm, metaEnd))
        .isEqualTo(TransferSyntax.EXPLICIT_VR_LITTLE_ENDIAN.uid());
    Map<Integer, String> text = Map.ofEntries(
        Map.entry(0x00080016, SecondaryCapture.SOP_CLASS_UID), Map.entry(0x00080018, SOP),
        Map.entry(0x0020000D, STUDY), Map.entry(0x0020000E, SERIES),
        Map.entry(0x00080060, "OT"), Map.entry(0x00080064, "WSD"),
        Map.entry(0x00080008, "DERIVED\\SECONDARY"), Map.entry(0x00280301, "YES"),
        Map.entry(0x00280004, "RGB"), Map.entry(0x0008103E, "NeuroStream verdict (test)"),
        Map.entry(0x00100010, "Doe^Jane"), Map.entry(0x00100020, "P-0001"),
        Map.entry(0x00080050, "ACC-7"), Map.entry(0x00100040, ""),
        Map.entry(0x00200013, "2"), Map.entry(0x00080023, "20261202"));
    DataSetParser parser = new DataSetParser(dcm, metaEnd[0], false, false);
    Map<Integer, DataSetParser.Element> found = parser.read(
        IntStream.concat(text.keySet().stream().mapToInt(Integer::intValue),
            IntStream.of(0x00280002, 0x00280006, 0x00280010, 0x00280011, 0x00280100,
                DataSetParser.PIXEL_DATA)).boxed().collect(Collectors.toSet()), false);
    text.forEach((tag, value) -> assertThat(found).as(DataSetParser.tagName(tag)).containsKey(tag));
    text.forEach((tag, value) -> assertThat(parser.string(found.get(tag), StandardCharsets.UTF_8))
        .as(DataSetParser.tagName(tag)).isEqualTo(value));
    assertThat(parser.u16(found.get(0x00280002).offset())).isEqualTo(3);
    assertThat(parser.u16(found.get(0x00280006).offset())).isZero();
    assertThat(parser.u16(found.get(0x00280010).offset())).isEqualTo(5);
    assertThat(parser.u16(found.get(0x00280011).offset())).isEqualTo(7);
    assertThat(parser.u16(found.get(0x00280100).offset())).isEqualTo(8);
    DataSetParser.Element pixels = found.get(DataSetParser.PIXEL_DATA);
    byte[] stored = Arrays.copyOfRange(dcm, pixels.offset(), pixels.offset() + 7 * 5 * 3);
    assertThat(stored).isEqualTo(interleaved(rgb));
    assertThat(pixels.length()).isEqualTo(7 * 5 * 3 + 1); // padded to even length
  }

  @Test
  void shouldBeRefusedByTheGrayscaleReaderSoThatItIsNeverClassified() {
    // given our own result, routed back to the gateway by a PACS rule
    byte[] dcm = capture().write(picture(1, 4, 4));
    // then the reader refuses it as colour rather than classify a screenshot
    assertThatThrownBy(() -> DicomReader.read(dcm)).isInstanceOf(ImageDecodeException.class)
        .hasMessageContaining("RGB with 3 samples per pixel");
  }

  @Test
  void shouldBeParsedByDcmdumpWithTheExpectedTags() throws Exception {
    // given
    Path file = DicomTools.write(dir.resolve("sc.dcm"), capture().write(picture(2, 64, 48)));
    // when dcmtk reads it
    String dump = DicomTools.run(List.of("dcmdump", "-q", "-M", "+L", file.toString()));
    // then
    assertThat(dump).contains("(0002,0002) UI =SecondaryCaptureImageStorage",
        "(0008,0016) UI =SecondaryCaptureImageStorage", "(0008,0018) UI [" + SOP + "]",
        "(0008,0060) CS [OT]", "(0008,0064) CS [WSD]", "(0028,0301) CS [YES]",
        "(0028,0004) CS [RGB]", "(0028,0002) US 3", "(0020,000d) UI [" + STUDY + "]",
        "(0010,0020) LO [P-0001]", "(0010,0010) PN [Doe^Jane]",
        "(0008,103e) LO [NeuroStream verdict (test)]");
  }

  @Test
  void shouldPassDciodvfyWhenDicom3toolsIsInstalled() throws Exception {
    Path tool = Path.of("/usr/bin/dciodvfy");
    org.junit.jupiter.api.Assumptions.assumeTrue(Files.isExecutable(tool),
        "dciodvfy not installed (apt-get install dicom3tools)");
    Path file = DicomTools.write(dir.resolve("sc.dcm"), capture().write(picture(3, 64, 48)));
    Process p = new ProcessBuilder(tool.toString(), file.toString()).redirectErrorStream(true)
        .start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    p.waitFor();
    System.out.println("dciodvfy:\n" + out);
    assertThat(out).contains("SC");
    assertThat(out.lines().filter(l -> l.startsWith("Error"))).as(out).isEmpty();
  }

  static SecondaryCapture capture() {
    return SecondaryCapture.builder().study(STUDY).series(SERIES).sop(SOP)
        .attribute(StudyAttribute.PATIENT_NAME, "Doe^Jane")
        .attribute(StudyAttribute.PATIENT_ID, "P-0001")
        .attribute(StudyAttribute.ACCESSION_NUMBER, "ACC-7")
        .attribute(StudyAttribute.PATIENT_SEX, " ")
        .seriesDescription("NeuroStream verdict (test)").instanceNumber(2)
        .created(LocalDateTime.of(2026, 12, 2, 13, 0)).derivation("test")
        .comments("RESEARCH USE ONLY").softwareVersion("v1").build();
  }

  static BufferedImage picture(long seed, int w, int h) {
    Random random = new Random(seed);
    BufferedImage img = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
    for (int y = 0; y < h; y++) {
      for (int x = 0; x < w; x++) {
        img.setRGB(x, y, random.nextInt(1 << 24));
      }
    }
    return img;
  }

  static byte[] interleaved(BufferedImage img) {
    byte[] out = new byte[img.getWidth() * img.getHeight() * 3];
    int o = 0;
    for (int y = 0; y < img.getHeight(); y++) {
      for (int x = 0; x < img.getWidth(); x++) {
        int c = img.getRGB(x, y);
        out[o++] = (byte) (c >>> 16);
        out[o++] = (byte) (c >>> 8);
        out[o++] = (byte) c;
      }
    }
    return out;
  }
}
