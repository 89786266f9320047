package io.neurostream.gateway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.neurostream.avro.Prediction;
import io.neurostream.classifier.ClassifierConfig;
import io.neurostream.classifier.ClassifierKeys;
import io.neurostream.classifier.ClassifierService;
import io.neurostream.classifier.ScanTraffic;
import io.neurostream.classifier.TinyBundles;
import io.neurostream.config.CommonKeys;
import io.neurostream.config.ConfigSources;
import io.neurostream.config.Configuration;
import io.neurostream.imaging.DecodeLimits;
import io.neurostream.imaging.DicomReader;
import io.neurostream.imaging.DicomTools;
import io.neurostream.imaging.TransferSyntax;
import io.neurostream.platform.KafkaStack;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * A real PACS end to end: dcmtk's storescu sends one MR series in eight transfer syntaxes to
 * Debian's Orthanc over DIMSE; Orthanc's Lua rule routes the stable study to the gateway over
 * STOW-RS (basic auth) as a job; the classifier turns every instance into exactly one prediction,
 * and Orthanc's job ends in Success.
 */
@Timeout(value = 8, unit = TimeUnit.MINUTES)
class OrthancRoutingIT {

  /** How each slice is made (a tool no one here wrote) and offered over DIMSE (storescu -x?). */
  record Slice(TransferSyntax syntax, List<String> transcode, String propose, boolean eightBit) {}

  static final List<Slice> SLICES = List.of(
      new Slice(TransferSyntax.EXPLICIT_VR_LITTLE_ENDIAN, List.of(), "-xe", false),
      new Slice(TransferSyntax.EXPLICIT_VR_BIG_ENDIAN, List.of("dcmconv", "+tb"), "-xb", false),
      new Slice(TransferSyntax.DEFLATED_EXPLICIT_VR_LITTLE_ENDIAN, List.of("dcmconv", "+td"), "-xd",
          false),
      new Slice(TransferSyntax.JPEG_LOSSLESS_SV1, List.of("dcmcjpeg", "+e1"), "-xs", false),
      new Slice(TransferSyntax.RLE_LOSSLESS, List.of("dcmcrle"), "-xr", false),
      new Slice(TransferSyntax.JPEG_2000_LOSSLESS, List.of("gdcmconv", "--j2k"), "-xv", false),
      new Slice(TransferSyntax.JPEG_2000, List.of("gdcmconv", "--j2k", "--lossy", "-q", "90"),
          "-xw", false),
      new Slice(TransferSyntax.JPEG_BASELINE, List.of("dcmcjpeg", "+eb"), "-xy", true));

  @TempDir static Path dir;
  @RegisterExtension static final KafkaStack stack = KafkaStack.withRegistry();

  @Test
  void shouldTurnEveryInstanceOrthancRoutesIntoExactlyOnePrediction() throws Exception {
    long seed = Long.getLong("neurostream.test.seed", System.nanoTime());
    System.out.println("OrthancRoutingIT seed=" + seed);
    // given a series whose slices are in eight transfer syntaxes, made by dcmtk and GDCM
    TestInstances series = new TestInstances("orthanc-" + seed, seed);
    Map<String, TransferSyntax> sent = new LinkedHashMap<>();
    List<Path> files = new ArrayList<>();
    for (int i = 0; i < SLICES.size(); i++) {
      Slice s = SLICES.get(i);
      Path file = DicomTools.write(dir.resolve("series/native-" + i + ".dcm"),
          series.writer(i, SLICES.size()).optBitsAllocated(s.eightBit() ? 8 : 16).build()
              .write(series.image(64)));
      if (!s.transcode().isEmpty()) {
        file = new DicomTools.Transcode(s.syntax().name(), s.syntax(), s.transcode())
            .apply(file, dir.resolve("series/slice-" + i + ".dcm"));
      }
      var instance = DicomReader.open(Files.readAllBytes(file), DecodeLimits.DEFAULT);
      assertThat(instance.transferSyntax()).isEqualTo(s.syntax());
      sent.put(instance.sopInstanceUid(), s.syntax()); // GDCM renames lossy copies
      files.add(file);
    }

    try (ClassifierService classifier = TestClassifier.start(stack, dir);
        GatewayService gateway = Gateways.start(stack, dir.resolve("gateway"),
            Map.of("gateway.auth.basic.user.info", "orthanc:secret"));
        OrthancProcess orthanc = OrthancProcess.start(dir.resolve("orthanc"),
            "http://127.0.0.1:" + gateway.port() + "/dicom-web/", "orthanc", "secret");
        ScanTraffic traffic = new ScanTraffic(stack)) {
      // when a modality sends them to the PACS over DIMSE, each in its own syntax
      for (int i = 0; i < files.size(); i++) {
        DicomTools.run(List.of("storescu", SLICES.get(i).propose(), "-aet", "NEUROSTREAM-IT",
            "-aec", "ORTHANC", "127.0.0.1", Integer.toString(orthanc.dicomPort()),
            files.get(i).toString()));
      }

      // then Orthanc's routing job succeeds...
      await("Orthanc's STOW-RS job to the gateway succeeds (log: " + orthanc.log() + ")")
          .atMost(Duration.ofMinutes(3)).pollInterval(Duration.ofSeconds(1))
          .untilAsserted(() -> {
            List<JsonNode> jobs = orthanc.jobs();
            assertThat(jobs).as("Orthanc jobs").isNotEmpty();
            assertThat(jobs).noneSatisfy(j ->
                assertThat(j.path("State").asText()).isEqualTo("Failure"));
            assertThat(jobs).anySatisfy(j ->
                assertThat(j.path("State").asText()).isEqualTo("Success"));
          });
      // ...and every instance has exactly one prediction, none a dead letter
      Set<String> uids = sent.keySet();
      await("one prediction per routed instance").atMost(Duration.ofMinutes(3))
          .pollInterval(Duration.ofSeconds(1))
          .untilAsserted(() -> assertThat(traffic.predictions(uids::contains))
              .extracting(ConsumerRecord::key).containsExactlyInAnyOrderElementsOf(uids));
      traffic.awaitConsumed(TestClassifier.APP, Duration.ofMinutes(2));
      List<ConsumerRecord<String, Prediction>> predictions = traffic.predictions(uids::contains);
      Map<String, Long> perInstance = predictions.stream()
          .collect(Collectors.groupingBy(ConsumerRecord::key, Collectors.counting()));
      assertThat(perInstance).hasSize(SLICES.size()).allSatisfy((uid, n) ->
          assertThat(n).as("predictions of %s (%s)", uid, sent.get(uid)).isEqualTo(1));
      assertThat(predictions).allSatisfy(p -> assertThat(p.value().getIdentity()
          .getSeriesInstanceUid()).isEqualTo(series.series));
      assertThat(traffic.deadLetters(uids::contains)).isEmpty();
      System.out.println("OrthancRoutingIT: " + SLICES.size() + " syntaxes, one prediction each: "
          + sent.values());
    }
  }
}
