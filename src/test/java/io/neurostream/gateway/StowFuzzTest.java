package io.neurostream.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.neurostream.avro.ScanEvent;
import io.neurostream.imaging.DecodeLimits;
import io.neurostream.imaging.DicomReaderFuzzTest;
import io.neurostream.imaging.DicomTools;
import io.neurostream.imaging.DicomWriter;
import io.neurostream.imaging.GrayImage;
import io.neurostream.imaging.TransferSyntax;
import io.neurostream.imaging.PatientKeys;
import java.io.ByteArrayInputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.producer.MockProducer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * 10,000 mutated STOW-RS bodies through the gateway's request path (multipart reader, DICOM
 * decoding including a multi-frame instance's functional groups, scan building with per-frame
 * positions; Kafka replaced by an always-acknowledging MockProducer, as Kafka is
 * not what is fuzzed): each must end as a clean answer, 400/413 for a malformed body or
 * 200/202/409 with a per-instance outcome, never another exception, a 5xx or a hang.
 */
class StowFuzzTest {

  static final int INPUTS = 10_000;
  @TempDir Path dir;

  @Test
  @Timeout(value = 10, unit = TimeUnit.MINUTES)
  void shouldAnswerEveryMutatedBodyCleanly() throws Exception {
    long seed = Long.getLong("fuzz.seed", System.nanoTime()); // -Dfuzz.seed= replays
    System.out.println("StowFuzzTest seed=" + seed);
    Random random = new Random(seed);
    // three single-frame instances in one body; a multi-frame one with functional groups in another
    byte[][] bodies = {
        Multipart.body(List.of(instance(random, TransferSyntax.EXPLICIT_VR_LITTLE_ENDIAN),
            instance(random, TransferSyntax.RLE_LOSSLESS),
            instance(random, TransferSyntax.DEFLATED_EXPLICIT_VR_LITTLE_ENDIAN))),
        Multipart.body(List.of(withFunctionalGroups(random)))};
    MockProducer<String, ScanEvent> kafka =
        new MockProducer<>(true, null, new StringSerializer(), (topic, scan) -> new byte[0]);
    ScanPublisher publisher = new ScanPublisher(() -> kafka, "mri.scans", Duration.ZERO);
    StowIngest ingest = new StowIngest(
        new InstanceScans(new PatientKeys("fuzz-salt"), "fuzz", DecodeLimits.DEFAULT), publisher,
        new GatewayMetrics(new SimpleMeterRegistry()), Duration.ofSeconds(5));
    ExecutorService worker = Executors.newSingleThreadExecutor();
    Map<Integer, Integer> statuses = new TreeMap<>();
    try {
      for (int i = 0; i < INPUTS; i++) {
        byte[] body = bodies[(i / 2) % bodies.length];
        byte[] input = i % 2 == 0 ? mutateFraming(body, random)
            : DicomReaderFuzzTest.mutate(body, random);
        Future<Integer> run = worker.submit(() -> status(ingest, input));
        int status;
        try {
          status = run.get(10, TimeUnit.SECONDS);
        } catch (TimeoutException e) {
          run.cancel(true);
          throw new AssertionError("body " + i + " (seed " + seed + ") hangs the gateway");
        } catch (java.util.concurrent.ExecutionException e) {
          throw new AssertionError("body " + i + " (seed " + seed + ") threw " + e.getCause(),
              e.getCause());
        }
        statuses.merge(status, 1, Integer::sum);
        kafka.clear();
      }
    } finally {
      worker.shutdownNow();
    }
    System.out.println("StowFuzzTest statuses: " + statuses);
    assertThat(Set.of(200, 202, 400, 409, 413)).containsAll(statuses.keySet());
    assertThat(statuses).containsKeys(400, 409);
  }

  /** A two-frame instance whose frames take their positions from functional groups (dcmodify). */
  byte[] withFunctionalGroups(Random random) throws Exception {
    byte[] plain = DicomWriter.builder().optPatientId("p-1").build()
        .writeFrames(image(random), image(random));
    Path file = DicomTools.write(dir.resolve("multi.dcm"), plain);
    return Files.readAllBytes(DicomTools.withFunctionalGroups(file, dir.resolve("groups.dcm"),
        List.of("0\\0\\-4", "0\\0\\4"), "0\\0\\1", true));
  }

  static GrayImage image(Random random) {
    float[] p = new float[32 * 32];
    for (int i = 0; i < p.length; i++) {
      p[i] = random.nextFloat();
    }
    return new GrayImage(32, 32, p);
  }

  static byte[] instance(Random random, TransferSyntax syntax) {
    return DicomWriter.builder().optTransferSyntax(syntax).optPatientId("p-1")
        .build().write(image(random));
  }

  /** Mutations aimed at the multipart framing: boundaries, CRLFs, headers, truncation. */
  static byte[] mutateFraming(byte[] body, Random r) {
    String text = new String(body, java.nio.charset.StandardCharsets.ISO_8859_1);
    String[] targets = {Multipart.BOUNDARY, "\r\n", "--", "Content-Type", "application/dicom",
        ":"};
    String target = targets[r.nextInt(targets.length)];
    int at = text.indexOf(target, r.nextInt(text.length()));
    if (at < 0) {
      at = text.indexOf(target);
    }
    String[] replacements = {"", "\r", "\n", "-", "x", target + target, "\r\n\r\n",
        "--" + Multipart.BOUNDARY, "--" + Multipart.BOUNDARY + "--"};
    String mutated = text.substring(0, at) + replacements[r.nextInt(replacements.length)]
        + text.substring(at + target.length());
    if (r.nextInt(4) == 0) {
      mutated = mutated.substring(0, r.nextInt(mutated.length() + 1));
    }
    return mutated.getBytes(java.nio.charset.StandardCharsets.ISO_8859_1);
  }

  /** The status the gateway answers for {@code body}, as StowHandler maps it. */
  static int status(StowIngest ingest, byte[] body) throws Exception {
    MultipartReader reader = new MultipartReader(new ByteArrayInputStream(body), Multipart.BOUNDARY,
        64 << 10, 1 << 20);
    try {
      StowOutcome outcome = ingest.store(reader, null);
      return outcome.isEmpty() ? 400 : outcome.httpStatus();
    } catch (MultipartException.TooLarge e) {
      return 413;
    } catch (MultipartException e) {
      assertThat(e.getMessage()).isNotBlank();
      return 400;
    }
  }
}
