package io.neurostream.verdict;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sun.net.httpserver.HttpServer;
import io.neurostream.avro.DementiaStage;
import io.neurostream.avro.SeriesAggregation;
import io.neurostream.avro.SeriesGrouping;
import io.neurostream.avro.SeriesVerdict;
import io.neurostream.avro.SupportingSlice;
import io.neurostream.avro.VerdictClosure;
import io.neurostream.imaging.DicomTools;
import io.neurostream.imaging.DicomWriter;
import io.neurostream.imaging.GrayImage;
import io.neurostream.imaging.SecondaryCapture.StudyAttribute;
import java.awt.image.BufferedImage;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class VerdictCaptureTest {

  static final String STUDY = DicomWriter.uidFromName("vc-test/study");
  static final String SERIES = DicomWriter.uidFromName("vc-test/series");

  @TempDir Path dir;

  static SeriesVerdict verdict(int revision, boolean mixed) {
    return SeriesVerdict.newBuilder()
        .setStudyInstanceUid(STUDY).setSeriesInstanceUid(SERIES).setPatientKey("pk-1")
        .setGrouping(SeriesGrouping.SERIES_UID).setSlices(16).setSlicesExpected(16)
        .setProbabilities(Map.of("Non_Demented", 0.1, "Very_Mild_Demented", 0.1,
            "Mild_Demented", 0.7, "Moderate_Demented", 0.1))
        .setVerdict(DementiaStage.Mild_Demented).setConfidence(0.7)
        .setAggregation(SeriesAggregation.MEAN_PROBABILITY)
        .setModelVersions(mixed ? List.of("m-1", "m-2") : List.of("m-1"))
        .setMixedModelVersions(mixed)
        .setSupportingSlices(List.of(SupportingSlice.newBuilder().setSopInstanceUid("sop-9")
            .setSliceIndex(8).setProbability(0.83).setModelVersion("m-1").build()))
        .setClosedBy(VerdictClosure.COMPLETE).setRevision(revision)
        .setFirstScanAt(Instant.parse("2026-12-02T12:00:00Z"))
        .setLastPredictedAt(Instant.parse("2026-12-02T12:00:05Z"))
        .setClosedAt(Instant.parse("2026-12-02T12:00:06Z")).build();
  }

  static BufferedImage slice() {
    float[] p = new float[64 * 64];
    for (int i = 0; i < p.length; i++) {
      p[i] = (i % 64) / 63f;
    }
    return ResultsSender.toRgb(new GrayImage(64, 64, p));
  }

  @Test
  void shouldDeriveTheSameUidsAndBytesOnEverySendAndNewInstancesPerRevision() {
    Map<StudyAttribute, String> study = Map.of(StudyAttribute.PATIENT_ID, "P-1");
    byte[] once = VerdictCapture.dicom(verdict(1, false),
        VerdictPicture.draw(verdict(1, false), slice(), VerdictPicture.Shows.PLAIN_SLICE),
        VerdictPicture.Shows.PLAIN_SLICE, study);
    byte[] again = VerdictCapture.dicom(verdict(1, false),
        VerdictPicture.draw(verdict(1, false), slice(), VerdictPicture.Shows.PLAIN_SLICE),
        VerdictPicture.Shows.PLAIN_SLICE, study);
    assertThat(again).isEqualTo(once);
    assertThat(VerdictCapture.seriesUid(SERIES)).startsWith("2.25.").isNotEqualTo(SERIES)
        .hasSizeLessThanOrEqualTo(64);
    assertThat(VerdictCapture.sopUid(SERIES, 1)).isEqualTo(VerdictCapture.sopUid(SERIES, 1))
        .isNotEqualTo(VerdictCapture.sopUid(SERIES, 2)).hasSizeLessThanOrEqualTo(64);
  }

  @Test
  void shouldBurnTheVerdictAndTheWarningInAndSayWhenThereIsNoGradCam() throws Exception {
    // given a verdict of mixed models sent without explanation
    SeriesVerdict v = verdict(2, true);
    BufferedImage picture = VerdictPicture.draw(v, slice(), VerdictPicture.Shows.PLAIN_SLICE);
    // (for a look: target/verdict-picture.png)
    javax.imageio.ImageIO.write(picture, "png", Path.of("target", "verdict-picture.png").toFile());
    // then the text band under the image has text in it
    assertThat(picture.getWidth()).isEqualTo(VerdictPicture.SIDE);
    int lit = 0;
    for (int y = VerdictPicture.SIDE; y < picture.getHeight(); y++) {
      for (int x = 0; x < picture.getWidth(); x++) {
        lit += (picture.getRGB(x, y) & 0xffffff) != 0 ? 1 : 0;
      }
    }
    assertThat(lit).isGreaterThan(500);
    // and the same text is in the file's Image Comments, which dcmdump shows
    List<String> lines = VerdictPicture.lines(v, VerdictPicture.Shows.PLAIN_SLICE);
    assertThat(lines).contains(VerdictPicture.RESEARCH_ONLY,
        "NeuroStream verdict: Mild_Demented, confidence 0.70", "model m-1, m-2 (MIXED versions)",
        "16 slice(s) of 16, closed by COMPLETE, revision 2",
        "NO Grad-CAM map: plain top slice #9 (p=0.83)");
    Path file = DicomTools.write(dir.resolve("v.dcm"), VerdictCapture.dicom(v, picture,
        VerdictPicture.Shows.PLAIN_SLICE, Map.of(StudyAttribute.PATIENT_ID, "P-1")));
    String dump = DicomTools.run(List.of("dcmdump", "-q", "-M", "+L", file.toString()));
    assertThat(dump).contains("RESEARCH USE ONLY - NOT FOR DIAGNOSIS", "(0020,0013) IS [2]",
        "(0018,1020) LO [m-1, m-2]", "(0008,0060) CS [OT]",
        "(0008,103e) LO [NeuroStream verdict (research use only)]", "(0010,0020) LO [P-1]");
  }

  @Test
  void shouldReadTheStudyByQidoAndTellRetryableFromPermanentFailures() throws Exception {
    List<String> requests = new ArrayList<>();
    int[] status = {200};
    HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    server.createContext("/", exchange -> {
      requests.add(exchange.getRequestMethod() + " " + exchange.getRequestURI() + " "
          + exchange.getRequestHeaders().getFirst("Authorization"));
      byte[] body = ("[{\"00100010\":{\"vr\":\"PN\",\"Value\":[{\"Alphabetic\":\"Doe^Jane\"}]},"
          + "\"00100020\":{\"vr\":\"LO\",\"Value\":[\"P-1\"]},\"00080050\":{\"vr\":\"SH\"}}]")
          .getBytes(StandardCharsets.UTF_8);
      exchange.sendResponseHeaders(status[0], status[0] == 200 ? body.length : -1);
      if (status[0] == 200) {
        exchange.getResponseBody().write(body);
      }
      exchange.close();
    });
    server.start();
    try {
      DicomWebClient client = new DicomWebClient(URI.create("http://127.0.0.1:"
          + server.getAddress().getPort() + "/dicom-web"), Optional.of("Bearer t0k"));
      assertThat(client.study("1.2.3")).contains(Map.of(StudyAttribute.PATIENT_NAME, "Doe^Jane",
          StudyAttribute.PATIENT_ID, "P-1"));
      assertThat(requests.get(0)).startsWith("GET /dicom-web/studies?StudyInstanceUID=1.2.3&")
          .contains("includefield=00100020").endsWith(" Bearer t0k");
      status[0] = 503;
      assertThatThrownBy(() -> client.store("1.2.3", new byte[10]))
          .isInstanceOf(DicomWebClient.Unavailable.class).hasMessageContaining("503");
      status[0] = 429;
      assertThatThrownBy(() -> client.store("1.2.3", new byte[10]))
          .isInstanceOf(DicomWebClient.Unavailable.class);
      status[0] = 401;
      assertThatThrownBy(() -> client.store("1.2.3", new byte[10]))
          .isInstanceOf(DicomWebClient.Refused.class)
          .hasMessageContaining("results.dicomweb.auth");
      assertThat(requests.get(1)).startsWith("POST /dicom-web/studies/1.2.3 ");
      status[0] = 204;
      assertThat(client.study("1.2.3")).isEmpty();
    } finally {
      server.stop(0);
    }
    DicomWebClient nobody = new DicomWebClient(URI.create("http://127.0.0.1:1/dicom-web"),
        Optional.empty());
    assertThatThrownBy(() -> nobody.study("1.2.3")).isInstanceOf(DicomWebClient.Unavailable.class);
  }
}
