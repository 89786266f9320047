package io.neurostream.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import io.neurostream.avro.ImageEncoding;
import io.neurostream.avro.ScanEvent;
import io.neurostream.imaging.DicomReader;
import io.neurostream.imaging.DicomSlice;
import io.neurostream.imaging.DicomTools;
import io.neurostream.imaging.DicomWriter;
import io.neurostream.imaging.PatientKeys;
import io.neurostream.imaging.TransferSyntax;
import io.neurostream.kafka.Topics;
import io.neurostream.platform.KafkaStack;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The gateway in this JVM against the embedded broker and registry, spoken to over HTTP as a
 * DICOMweb client would: what it publishes for each instance, and what it answers for every kind
 * of request PS3.18 distinguishes.
 */
@Timeout(value = 5, unit = TimeUnit.MINUTES)
class GatewayIT {

  static final String TOKEN = "it-token";
  @TempDir static Path dir;
  @RegisterExtension static final KafkaStack stack = KafkaStack.withRegistry();
  static GatewayService gateway;
  static StowClient client;
  static long seed;

  @BeforeAll
  static void start() {
    seed = Long.getLong("neurostream.test.seed", System.nanoTime());
    System.out.println("GatewayIT seed=" + seed);
    gateway = Gateways.start(stack, dir.resolve("state"), Map.of(
        "gateway.auth.bearer.token", TOKEN,
        "gateway.auth.basic.user.info", "orthanc:secret",
        "gateway.max.request.mib", "1",
        "gateway.max.instance.bytes", "262144"));
    client = new StowClient(gateway.port(), "Bearer " + TOKEN);
  }

  @AfterAll
  static void stop() {
    if (gateway != null) {
      gateway.close();
    }
  }

  static Map<String, ScanEvent> published() {
    return TopicRecords.all(stack, Topics.SCANS).stream()
        .collect(Collectors.toMap(ConsumerRecord::key, ConsumerRecord::value, (a, b) -> b));
  }

  @Test
  void shouldPublishOneDeidentifiedScanPerInstanceInEverySyntaxAndAnswer200() throws Exception {
    // given a series of four instances: three syntaxes we write, one dcmtk's JPEG Lossless
    TestInstances series = new TestInstances("it-series-" + seed, seed);
    Path native3 = DicomTools.write(dir.resolve("slice3.dcm"),
        series.instance(3, 4, 64, TransferSyntax.EXPLICIT_VR_LITTLE_ENDIAN));
    byte[] jpegLossless = Files.readAllBytes(new DicomTools.Transcode("dcmcjpeg +e1",
        TransferSyntax.JPEG_LOSSLESS_SV1, List.of("dcmcjpeg", "+e1"))
        .apply(native3, dir.resolve("slice3-jpeg.dcm")));
    List<byte[]> instances = List.of(
        series.instance(0, 4, 64, TransferSyntax.EXPLICIT_VR_LITTLE_ENDIAN),
        series.instance(1, 4, 64, TransferSyntax.RLE_LOSSLESS),
        series.instance(2, 4, 64, TransferSyntax.DEFLATED_EXPLICIT_VR_LITTLE_ENDIAN),
        jpegLossless);

    // when they are posted to the study's URL, chunked
    StowClient.Answer answer = client.store("/dicom-web/studies/" + series.study,
        Multipart.contentType(), Multipart.body(instances), true);

    // then all are stored, and each is one scan keyed by its SOP Instance UID
    assertThat(answer.status()).as(answer.text()).isEqualTo(200);
    assertThat(answer.stored()).containsExactly(series.sop(0), series.sop(1), series.sop(2),
        series.sop(3));
    assertThat(answer.json().get("00081190").get("Value").get(0).asText())
        .endsWith("/dicom-web/studies/" + series.study);
    Map<String, ScanEvent> scans = published();
    String patientKey = new PatientKeys(Gateways.SALT).of(series.patientId);
    for (int i = 0; i < 4; i++) {
      ScanEvent scan = scans.get(series.sop(i));
      assertThat(scan).as("scan of slice " + i).isNotNull();
      assertThat(scan.getIdentity().getStudyInstanceUid()).isEqualTo(series.study);
      assertThat(scan.getIdentity().getSeriesInstanceUid()).isEqualTo(series.series);
      assertThat(scan.getIdentity().getPatientKey()).isEqualTo(patientKey);
      assertThat(scan.getSliceIndex()).isEqualTo(i);
      assertThat(scan.getSliceCount()).isEqualTo(4);
      assertThat(scan.getEncoding()).isEqualTo(ImageEncoding.DICOM);
      assertThat(scan.getAttributes()).containsEntry("sliceLocation", Double.toString(5.0 * i))
          .containsEntry("instanceNumber", Integer.toString(i + 1))
          .containsKey("imagePositionPatient");
      byte[] image = new byte[scan.getImage().remaining()];
      scan.getImage().duplicate().get(image);
      assertThat(new String(image, StandardCharsets.ISO_8859_1)).as("no patient id in the event")
          .doesNotContain(series.patientId);
      DicomSlice slice = DicomReader.read(image);
      assertThat(slice.sopInstanceUid()).isEqualTo(series.sop(i));
      assertThat(slice.patientId()).isEmpty();
    }
    assertThat(scans.get(series.sop(3)).getAttributes())
        .containsEntry("transferSyntax", TransferSyntax.JPEG_LOSSLESS_SV1.uid());
  }

  @Test
  void shouldPublishOneScanPerFrameOfAMultiFrameInstance() throws Exception {
    TestInstances series = new TestInstances("it-multiframe-" + seed, seed);
    byte[] multi = series.writer(0, 1).optTransferSyntax(TransferSyntax.RLE_LOSSLESS).build()
        .writeFrames(series.image(32), series.image(32), series.image(32));

    StowClient.Answer answer = client.store(List.of(multi));

    assertThat(answer.status()).as(answer.text()).isEqualTo(200);
    Map<String, ScanEvent> scans = published();
    for (int f = 1; f <= 3; f++) {
      ScanEvent scan = scans.get(series.sop(0) + "/frames/" + f);
      assertThat(scan).as("frame " + f).isNotNull();
      assertThat(scan.getSliceIndex()).isEqualTo(f - 1);
      assertThat(scan.getSliceCount()).isEqualTo(3);
      assertThat(scan.getAttributes()).containsEntry("frameNumber", Integer.toString(f));
    }
  }

  @Test
  void shouldListEachFailedInstanceWithItsReasonAndAnswer202Or409() throws Exception {
    TestInstances series = new TestInstances("it-mixed-" + seed, seed);
    Path nativeFile = DicomTools.write(dir.resolve("mixed1.dcm"),
        series.instance(1, 3, 32, TransferSyntax.EXPLICIT_VR_LITTLE_ENDIAN));
    byte[] jpegLs = Files.readAllBytes(DicomTools.jpegLs().apply(nativeFile,
        dir.resolve("mixed1-jls.dcm")));
    byte[] damaged = series.instance(2, 3, 32, TransferSyntax.EXPLICIT_VR_LITTLE_ENDIAN);
    damaged = java.util.Arrays.copyOf(damaged, damaged.length - 100);
    TestInstances other = new TestInstances("it-other-" + seed, seed);

    // a good one, JPEG-LS (no decoder), a truncated one
    StowClient.Answer mixed = client.store(List.of(
        series.instance(0, 3, 32, TransferSyntax.EXPLICIT_VR_LITTLE_ENDIAN), jpegLs, damaged));
    assertThat(mixed.status()).as(mixed.text()).isEqualTo(202);
    assertThat(mixed.stored()).containsExactly(series.sop(0));
    assertThat(mixed.failed()).containsExactly(series.sop(1), series.sop(2));
    assertThat(mixed.reasons()).containsExactly(0xC122, 0xC000);
    assertThat(mixed.warnings()).anySatisfy(w -> assertThat(w).contains("JPEG-LS"));

    // an instance of another study posted to this study's URL: nothing stored
    StowClient.Answer wrongStudy = client.store("/dicom-web/studies/" + series.study,
        Multipart.contentType(),
        Multipart.body(List.of(other.instance(0, 1, 32, TransferSyntax.EXPLICIT_VR_LITTLE_ENDIAN))),
        false);
    assertThat(wrongStudy.status()).isEqualTo(409);
    assertThat(wrongStudy.reasons()).containsExactly(0xA900);
    assertThat(published()).doesNotContainKeys(series.sop(1), series.sop(2), other.sop(0));
  }

  @Test
  void shouldRefuseRequestsItCannotTakeWithTheStatusPs318Gives() throws Exception {
    byte[] one = new TestInstances("it-refusals-" + seed, seed)
        .instance(0, 1, 32, TransferSyntax.EXPLICIT_VR_LITTLE_ENDIAN);
    byte[] body = Multipart.body(List.of(one));
    StowClient anonymous = new StowClient(gateway.port(), null);
    StowClient basic = new StowClient(gateway.port(), "Basic "
        + Base64.getEncoder().encodeToString("orthanc:secret".getBytes(StandardCharsets.UTF_8)));
    StowClient wrong = new StowClient(gateway.port(), "Bearer nope");

    assertThat(anonymous.store(List.of(one)).status()).isEqualTo(401);
    assertThat(wrong.store(List.of(one)).status()).isEqualTo(401);
    assertThat(basic.store(List.of(one)).status()).isEqualTo(200);
    assertThat(client.store("/dicom-web/studies", "application/dicom", one, false).status())
        .isEqualTo(415);
    assertThat(client.store("/dicom-web/studies",
        "multipart/related; type=\"application/dicom+xml\"; boundary=" + Multipart.BOUNDARY, body,
        false).status()).isEqualTo(415);
    assertThat(client.store("/dicom-web/series", Multipart.contentType(), body, false).status())
        .isEqualTo(404);
    StowClient.Answer malformed = client.store("/dicom-web/studies", Multipart.contentType(),
        java.util.Arrays.copyOf(body, body.length - 20), false);
    assertThat(malformed.status()).isEqualTo(400);
    assertThat(malformed.text()).contains("cut short");
    byte[] big = Multipart.body(java.util.Collections.nCopies(10,
        new TestInstances("it-big-" + seed, seed).instance(0, 1, 256,
            TransferSyntax.EXPLICIT_VR_LITTLE_ENDIAN)));
    StowClient.Answer tooLarge = client.store("/dicom-web/studies", Multipart.contentType(), big,
        false);
    assertThat(tooLarge.status()).isEqualTo(413);
    assertThat(tooLarge.text()).contains("gateway.max.request.mib");
    StowClient.Answer tooLargeChunked = client.store("/dicom-web/studies",
        Multipart.contentType(), big, true);
    assertThat(tooLargeChunked.status()).isEqualTo(413);
  }
}
