package io.neurostream.gateway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.neurostream.avro.ReleaseStatus;
import io.neurostream.classifier.ClassifierService;
import io.neurostream.classifier.TestReleases;
import io.neurostream.classifier.TinyBundles;
import io.neurostream.config.CommonKeys;
import io.neurostream.config.ConfigSources;
import io.neurostream.config.Configuration;
import io.neurostream.imaging.DicomTools;
import io.neurostream.imaging.TransferSyntax;
import io.neurostream.platform.KafkaStack;
import io.neurostream.verdict.VerdictCapture;
import io.neurostream.verdict.VerdictConfig;
import io.neurostream.verdict.VerdictKeys;
import io.neurostream.verdict.VerdictService;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Results back to a real PACS: a series is in Debian's Orthanc (stored over DIMSE) and reaches
 * the gateway by STOW-RS; the classifier and the verdict stage (results.dicomweb.url = Orthanc's
 * DICOMweb root, explain.mode=verdict with the model released) classify it; the verdict comes
 * back as a Secondary Capture in a new series of the same Orthanc study, which dcmdump parses.
 */
@Timeout(value = 5, unit = TimeUnit.MINUTES)
class ResultsToPacsIT {

  static final int SLICES = 4;

  @TempDir static Path dir;
  @RegisterExtension static final KafkaStack stack = KafkaStack.withRegistry();

  @Test
  void shouldStoreTheVerdictAsASecondaryCaptureInTheSameStudy() throws Exception {
    long seed = Long.getLong("neurostream.test.seed", System.nanoTime());
    System.out.println("ResultsToPacsIT seed=" + seed);
    // given a series, in the PACS and sent to the gateway
    TestInstances series = new TestInstances("results-" + seed, seed);
    List<byte[]> instances = new ArrayList<>();
    List<String> files = new ArrayList<>();
    for (int i = 0; i < SLICES; i++) {
      byte[] dcm = series.instance(i, SLICES, 64, TransferSyntax.EXPLICIT_VR_LITTLE_ENDIAN);
      instances.add(dcm);
      files.add(DicomTools.write(dir.resolve("series/slice-" + i + ".dcm"), dcm).toString());
    }
    // and the model released, so that the explainer can make the Grad-CAM
    Path bundle = TinyBundles.write(dir.resolve("tiny.bundle"), "tiny-gateway-it");
    try (TestReleases releases = new TestReleases(stack)) {
      releases.publish("tiny-gateway-it", Files.readAllBytes(bundle), ReleaseStatus.PROMOTED);
    }

    try (OrthancProcess orthanc = OrthancProcess.start(dir.resolve("orthanc"), null, null, null);
        ClassifierService classifier = TestClassifier.start(stack, dir);
        VerdictService verdict = VerdictService.startHosted(verdictConfig(orthanc),
            new PrometheusMeterRegistry(PrometheusConfig.DEFAULT));
        GatewayService gateway = Gateways.start(stack, dir.resolve("gateway"), Map.of())) {
      List<String> store = new ArrayList<>(List.of("storescu", "-aec", "ORTHANC", "127.0.0.1",
          Integer.toString(orthanc.dicomPort())));
      store.addAll(files);
      DicomTools.run(store);
      assertThat(new StowClient(gateway.port(), null).store(instances).status()).isEqualTo(200);

      // when the series is classified, then Orthanc's study has the verdict series (QIDO-RS)
      String resultSeries = VerdictCapture.seriesUid(series.series);
      await("the verdict series in Orthanc's study " + series.study)
          .atMost(Duration.ofMinutes(3)).pollInterval(Duration.ofSeconds(1))
          .until(() -> {
            JsonNode all = orthanc.getOrNull("/dicom-web/studies/" + series.study + "/series");
            return all != null && text(all, "0020000E").contains(resultSeries);
          });
      JsonNode qido = orthanc.getOrNull("/dicom-web/studies/" + series.study + "/series");
      assertThat(text(qido, "0020000E")).containsExactlyInAnyOrder(series.series, resultSeries);

      // and it is one SC instance, filed under the very Orthanc study (same patient) as the source
      JsonNode all = orthanc.getOrNull("/series?expand");
      JsonNode source = find(all, series.series);
      JsonNode result = find(all, resultSeries);
      assertThat(result.path("ParentStudy").asText()).isEqualTo(source.path("ParentStudy").asText());
      assertThat(result.path("Instances")).hasSize(1);
      assertThat(result.path("MainDicomTags").path("Modality").asText()).isEqualTo("OT");
      assertThat(result.path("MainDicomTags").path("SeriesDescription").asText())
          .isEqualTo(VerdictCapture.SERIES_DESCRIPTION);

      // and the stored file is valid DICOM: dcmdump reads it, dciodvfy finds no error
      Path file = DicomTools.write(dir.resolve("result.dcm"), orthanc.bytesOrNull(
          "/instances/" + result.path("Instances").get(0).asText() + "/file"));
      String dump = DicomTools.run(List.of("dcmdump", "-q", "-M", "+L", file.toString()));
      System.out.println("ResultsToPacsIT: dcmdump of the verdict SC:\n" + dump);
      assertThat(dump).contains("(0008,0016) UI =SecondaryCaptureImageStorage",
          "(0008,0018) UI [" + VerdictCapture.sopUid(series.series, 1) + "]",
          "(0020,000d) UI [" + series.study + "]", "(0010,0020) LO [" + series.patientId + "]",
          "(0008,0064) CS [WSD]", "(0028,0301) CS [YES]", "RESEARCH USE ONLY",
          "Grad-CAM of ");
      if (Files.isExecutable(Path.of("/usr/bin/dciodvfy"))) {
        Process p = new ProcessBuilder("/usr/bin/dciodvfy", file.toString())
            .redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        p.waitFor();
        System.out.println("ResultsToPacsIT: dciodvfy:\n" + out);
        assertThat(out.lines().filter(l -> l.startsWith("Error"))).as(out).isEmpty();
      }
    }
  }

  private static VerdictConfig verdictConfig(OrthancProcess orthanc) {
    Map<String, String> s = new HashMap<>(stack.settings(dir.resolve("verdict-state")));
    s.put(VerdictKeys.APPLICATION_ID.name(), "results-it-verdict");
    s.put(VerdictKeys.EXPLAIN_MODE.name(), "verdict");
    s.put(VerdictKeys.RESULTS_URL.name(), orthanc.dicomWebRoot());
    return VerdictConfig.from(Configuration.load(ConfigSources.builder().optEnv(Map.of())
        .optOverrides(s).build(), new CommonKeys(), new VerdictKeys()));
  }

  /** The first values of {@code tag} in a DICOM JSON array. */
  private static List<String> text(JsonNode array, String tag) {
    List<String> out = new ArrayList<>();
    array.forEach(o -> out.add(o.path(tag).path("Value").path(0).asText()));
    return out;
  }

  private static JsonNode find(JsonNode expandedSeries, String seriesUid) {
    for (JsonNode s : expandedSeries) {
      if (seriesUid.equals(s.path("MainDicomTags").path("SeriesInstanceUID").asText())) {
        return s;
      }
    }
    throw new AssertionError("no series " + seriesUid + " in Orthanc: " + expandedSeries);
  }
}
