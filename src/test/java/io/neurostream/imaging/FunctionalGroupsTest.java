package io.neurostream.imaging;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.neurostream.imaging.ImageDecodeException.Reason;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Enhanced MR geometry: each frame of a multi-frame instance takes its Image Position (Patient)
 * from its Per-frame Functional Groups item, else from the Shared Functional Groups, else from the
 * top level. The functional groups are written by dcmtk's dcmodify into files of our writer, in
 * explicit and undefined lengths, explicit and implicit VR, native and RLE pixel data.
 */
class FunctionalGroupsTest {

  static final List<String> POSITIONS = List.of("-120\\-115.5\\-20", "-120\\-115.5\\-15",
      "-120\\-115.5\\-10");
  @TempDir static Path dir;
  static GrayImage[] frames;

  @BeforeAll
  static void images() {
    long seed = Long.getLong("neurostream.test.seed", System.nanoTime());
    System.out.println("FunctionalGroupsTest seed=" + seed);
    Random random = new Random(seed);
    frames = new GrayImage[] {TranscodedDicomTest.texture(24, 20, random),
        TranscodedDicomTest.texture(24, 20, random), TranscodedDicomTest.texture(24, 20, random)};
  }

  static Path multiFrame(String name, DicomWriter.Builder writer) throws Exception {
    return DicomTools.write(dir.resolve(name + ".dcm"), writer.build().writeFrames(frames));
  }

  @ParameterizedTest(name = "{0}, undefined lengths {1}")
  @CsvSource({"EXPLICIT_VR_LITTLE_ENDIAN, false", "EXPLICIT_VR_LITTLE_ENDIAN, true",
      "IMPLICIT_VR_LITTLE_ENDIAN, false", "IMPLICIT_VR_LITTLE_ENDIAN, true",
      "RLE_LOSSLESS, false", "DEFLATED_EXPLICIT_VR_LITTLE_ENDIAN, true"})
  void shouldGiveEachFrameThePositionOfItsPerFrameFunctionalGroup(TransferSyntax syntax,
      boolean undefinedLengths) throws Exception {
    // given three frames whose per-frame groups place them 5 mm apart, and a misleading top level
    Path plain = multiFrame("plain-" + syntax + undefinedLengths, DicomWriter.builder()
        .optTransferSyntax(syntax).optImagePosition(1, 2, 3).optSliceLocation(3));
    Path enhanced = DicomTools.withFunctionalGroups(plain,
        dir.resolve("enhanced-" + syntax + undefinedLengths + ".dcm"), POSITIONS, null,
        undefinedLengths);
    // when
    DicomInstance instance = DicomReader.open(Files.readAllBytes(enhanced), DecodeLimits.DEFAULT);
    // then every frame has its own position, its location along the axial normal, its pixels
    assertThat(instance.transferSyntax()).isEqualTo(syntax);
    assertThat(instance.frames()).isEqualTo(3);
    for (int f = 0; f < 3; f++) {
      assertThat(instance.imagePositionPatient(f)).as("frame %d", f).isEqualTo(POSITIONS.get(f));
      assertThat(instance.sliceLocation(f)).as("frame %d", f).contains(-20.0 + 5 * f);
      DicomReaderTest.assertSameImage(instance.frame(f).image(), frames[f], 0.51f / 4095);
    }
    assertThat(instance.imagePositionPatient()).as("the top level as written").isEqualTo("1\\2\\3");
  }

  @Test
  void shouldFallBackToTheSharedGroupsThenToTheTopLevel() throws Exception {
    Path plain = multiFrame("fallback", DicomWriter.builder().optImagePosition(1, 2, 3)
        .optSliceLocation(3));
    // only frame 0 has a per-frame position; the shared groups give the others theirs
    Path shared = DicomTools.withFunctionalGroups(plain, dir.resolve("shared.dcm"),
        POSITIONS.subList(0, 1), "0\\0\\42.5", false);
    DicomInstance withShared = DicomReader.open(Files.readAllBytes(shared), DecodeLimits.DEFAULT);
    assertThat(withShared.imagePositionPatient(0)).isEqualTo(POSITIONS.get(0));
    assertThat(withShared.sliceLocation(0)).contains(-20.0);
    assertThat(withShared.imagePositionPatient(1)).isEqualTo("0\\0\\42.5");
    assertThat(withShared.sliceLocation(2)).contains(42.5);

    DicomInstance legacy = DicomReader.open(Files.readAllBytes(plain), DecodeLimits.DEFAULT);
    for (int f = 0; f < 3; f++) {
      assertThat(legacy.imagePositionPatient(f)).isEqualTo("1\\2\\3");
      assertThat(legacy.sliceLocation(f)).isEqualTo(Optional.of(3.0));
    }
  }

  @Test
  void shouldRefuseAFunctionalGroupItemThatOverrunsItsSequence() throws Exception {
    Path enhanced = DicomTools.withFunctionalGroups(multiFrame("overrun", DicomWriter.builder()),
        dir.resolve("overrun.dcm"), POSITIONS, null, false);
    byte[] bytes = Files.readAllBytes(enhanced);
    // (5200,9230) SQ: tag, VR, 2 reserved, 4 length, then the first item's tag and length
    int at = indexOf(bytes, new byte[] {0x00, 0x52, 0x30, (byte) 0x92, 'S', 'Q'});
    assertThat(at).as("per-frame functional groups in the file").isPositive();
    bytes[at + 16] += 2; // the first item now claims 2 bytes more than it holds

    assertThatThrownBy(() -> DicomReader.open(bytes, DecodeLimits.DEFAULT))
        .isInstanceOfSatisfying(ImageDecodeException.class, e -> {
          assertThat(e.reason()).isEqualTo(Reason.IMAGE_DECODE_FAILED);
          assertThat(e.getMessage()).contains("overrun");
        });
  }

  static int indexOf(byte[] haystack, byte[] needle) {
    outer:
    for (int i = 0; i <= haystack.length - needle.length; i++) {
      for (int j = 0; j < needle.length; j++) {
        if (haystack[i + j] != needle[j]) {
          continue outer;
        }
      }
      return i;
    }
    return -1;
  }
}
