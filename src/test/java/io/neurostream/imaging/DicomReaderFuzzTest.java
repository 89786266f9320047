package io.neurostream.imaging;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The DICOM reader parses untrusted bytes in the classifier's hot path and at the gateway's door:
 * 10,000 mutations of valid files in every syntax it decodes (ours and dcmtk's/GDCM's), and of
 * multi-frame files with functional groups (per-frame positions), must each end as a decoded image
 * (with its frames' positions read) or an {@link ImageDecodeException}, within a time bound: no
 * other exception, no hang, no runaway allocation.
 */
public class DicomReaderFuzzTest {

  static final int INPUTS = 10_000;
  static final List<String> FRAME_POSITIONS = List.of("0\\0\\-4", "0\\0\\4");
  static volatile Thread workerThread;
  static final ExecutorService WORKER = Executors.newSingleThreadExecutor(r -> {
    Thread t = new Thread(r, "dicom-fuzz");
    t.setDaemon(true);
    workerThread = t;
    return t;
  });

  @TempDir static Path dir;

  @AfterAll
  static void stop() {
    WORKER.shutdownNow();
  }

  static List<byte[]> seeds(Random random) throws Exception {
    GrayImage a = TranscodedDicomTest.texture(40, 32, random);
    GrayImage b = TranscodedDicomTest.texture(40, 32, random);
    List<byte[]> seeds = new ArrayList<>();
    byte[] explicit = DicomWriter.builder().optPatientId("p").optInstanceNumber(2).build().write(a);
    seeds.add(explicit);
    seeds.add(DicomWriter.builder().optImplicitVr(true).optBitsAllocated(8).build().write(a));
    seeds.add(DicomWriter.builder().optTransferSyntax(TransferSyntax.DEFLATED_EXPLICIT_VR_LITTLE_ENDIAN)
        .build().write(a));
    seeds.add(DicomWriter.builder().optTransferSyntax(TransferSyntax.RLE_LOSSLESS).build()
        .writeFrames(a, b));
    // Enhanced MR geometry (dcmtk's dcmodify): per-frame and shared functional groups, explicit
    // VR with explicit lengths, implicit VR with undefined lengths
    for (boolean implicit : new boolean[] {false, true}) {
      Path multi = DicomTools.write(dir.resolve("multi-" + implicit + ".dcm"), DicomWriter.builder()
          .optImplicitVr(implicit).optImagePosition(0, 0, 0).build().writeFrames(a, b));
      seeds.add(Files.readAllBytes(DicomTools.withFunctionalGroups(multi,
          dir.resolve("groups-" + implicit + ".dcm"), FRAME_POSITIONS, "0\\0\\1", implicit)));
    }
    Path original = DicomTools.write(dir.resolve("seed.dcm"), explicit);
    for (DicomTools.Transcode t : DicomTools.sixteenBit()) {
      if (t.syntax() == TransferSyntax.EXPLICIT_VR_BIG_ENDIAN
          || t.syntax() == TransferSyntax.JPEG_LOSSLESS_SV1
          || t.syntax() == TransferSyntax.JPEG_2000_LOSSLESS
          || t.syntax() == TransferSyntax.JPEG_EXTENDED) {
        seeds.add(Files.readAllBytes(t.apply(original, dir.resolve(t.syntax().name() + ".dcm"))));
      }
    }
    return seeds;
  }

  /** One of a few mutations, biased towards what breaks parsers: lengths, tags, truncation. */
  public static byte[] mutate(byte[] seed, Random r) {
    byte[] b = seed.clone();
    switch (r.nextInt(6)) {
      case 0 -> { // flip a few bytes anywhere
        for (int i = 1 + r.nextInt(8); i > 0; i--) {
          b[r.nextInt(b.length)] ^= (byte) (1 + r.nextInt(255));
        }
      }
      case 1 -> { // an extreme 16- or 32-bit value past the preamble (lengths, rows, counts)
        int at = 132 + r.nextInt(Math.max(1, b.length - 136));
        int[] extremes = {0, 1, 0x7FFF, 0xFFFF, 0x7FFFFFFF, 0xFFFFFFFF, 0x80000000, 4096, 65535};
        int v = extremes[r.nextInt(extremes.length)];
        b[at] = (byte) v;
        b[at + 1] = (byte) (v >>> 8);
        if (r.nextBoolean()) {
          b[at + 2] = (byte) (v >>> 16);
          b[at + 3] = (byte) (v >>> 24);
        }
      }
      case 2 -> b = java.util.Arrays.copyOf(b, 132 + r.nextInt(b.length - 131)); // truncate
      case 3 -> { // insert random bytes
        int at = 132 + r.nextInt(b.length - 132);
        byte[] junk = new byte[1 + r.nextInt(16)];
        r.nextBytes(junk);
        byte[] out = new byte[b.length + junk.length];
        System.arraycopy(b, 0, out, 0, at);
        System.arraycopy(junk, 0, out, at, junk.length);
        System.arraycopy(b, at, out, at + junk.length, b.length - at);
        b = out;
      }
      case 4 -> { // delete a range
        int at = 132 + r.nextInt(b.length - 132);
        int n = Math.min(b.length - at, 1 + r.nextInt(64));
        byte[] out = new byte[b.length - n];
        System.arraycopy(b, 0, out, 0, at);
        System.arraycopy(b, at + n, out, at, b.length - at - n);
        b = out;
      }
      default -> { // random bytes over the tail (damaged compressed streams)
        int at = b.length / 2 + r.nextInt(b.length / 2);
        for (int i = at; i < b.length; i++) {
          if (r.nextInt(4) == 0) {
            b[i] = (byte) r.nextInt(256);
          }
        }
      }
    }
    return b;
  }

  @Test
  @Timeout(value = 10, unit = TimeUnit.MINUTES)
  void shouldTurnEveryMutatedFileIntoAnImageOrAnImageDecodeException() throws Exception {
    long seed = Long.getLong("fuzz.seed", System.nanoTime()); // -Dfuzz.seed= replays
    System.out.println("DicomReaderFuzzTest seed=" + seed);
    Random random = new Random(seed);
    List<byte[]> seeds = seeds(random);
    long withGroups = seeds.stream().filter(s -> {
      DicomInstance instance = DicomReader.open(s, DecodeLimits.DEFAULT);
      return instance.frames() == 2 && instance.imagePositionPatient(1).equals(FRAME_POSITIONS.get(1));
    }).count();
    assertThat(withGroups).as("seeds whose frames take their positions from functional groups")
        .isEqualTo(2);
    Map<String, Integer> outcomes = new TreeMap<>();
    for (int i = 0; i < INPUTS; i++) {
      byte[] input = mutate(seeds.get(i % seeds.size()), random);
      Future<String> run = WORKER.submit(() -> decodeAll(input));
      String outcome;
      try {
        outcome = run.get(10, TimeUnit.SECONDS);
      } catch (TimeoutException e) {
        String where = java.util.Arrays.stream(workerThread.getStackTrace()).limit(12)
            .map(Object::toString).collect(java.util.stream.Collectors.joining("\n  at "));
        run.cancel(true);
        throw new AssertionError("input " + i + " (seed " + seed + ", kept in "
            + keep("dicom-hang-" + i, input) + ") hangs the reader at\n  at " + where);
      } catch (java.util.concurrent.ExecutionException e) {
        throw new AssertionError("input " + i + " (seed " + seed + ", kept in "
            + keep("dicom-throw-" + i, input) + ") threw "
            + e.getCause() + " instead of an ImageDecodeException", e.getCause());
      }
      outcomes.merge(outcome, 1, Integer::sum);
    }
    System.out.println("DicomReaderFuzzTest outcomes: " + outcomes);
    assertThat(outcomes.values().stream().mapToInt(Integer::intValue).sum()).isEqualTo(INPUTS);
    assertThat(outcomes).containsKey("decoded").containsKey("IMAGE_DECODE_FAILED");
  }

  /** Writes a failing input under target/fuzz-failures for a look with dcmdump. */
  public static Path keep(String name, byte[] input) {
    try {
      Path file = Path.of("target", "fuzz-failures", name);
      Files.createDirectories(file.getParent());
      return Files.write(file, input);
    } catch (java.io.IOException e) {
      return Path.of("(not kept: " + e + ")");
    }
  }

  /** Decodes every frame; "decoded" or the ImageDecodeException's reason. */
  static String decodeAll(byte[] input) {
    try {
      DicomInstance instance = DicomReader.open(input, DecodeLimits.DEFAULT);
      for (int f = 0; f < instance.frames(); f++) {
        instance.frame(f);
        instance.imagePositionPatient(f);
        instance.sliceLocation(f);
      }
      return "decoded";
    } catch (ImageDecodeException e) {
      assertThat(e.getMessage()).isNotBlank();
      return e.reason().name();
    }
  }
}
