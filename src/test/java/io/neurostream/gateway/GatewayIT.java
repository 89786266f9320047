package io.neurostream.gateway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

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
import java.net.http.HttpClient;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
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
  void shouldPublishOneScanPerFrameOfAMultiFrameInstanceAtItsOwnPosition() throws Exception {
    // given an RLE multi-frame instance whose per-frame functional groups (written by dcmtk's
    // dcmodify) place its frames 4 mm apart
    TestInstances series = new TestInstances("it-multiframe-" + seed, seed);
    Path plain = DicomTools.write(dir.resolve("multiframe.dcm"), series.writer(0, 1)
        .optTransferSyntax(TransferSyntax.RLE_LOSSLESS).build()
        .writeFrames(series.image(32), series.image(32), series.image(32)));
    List<String> positions = List.of("-64\\-64\\12", "-64\\-64\\16", "-64\\-64\\20");
    byte[] multi = Files.readAllBytes(DicomTools.withFunctionalGroups(plain,
        dir.resolve("multiframe-enhanced.dcm"), positions, null, true));

    StowClient.Answer answer = client.store(List.of(multi));

    assertThat(answer.status()).as(answer.text()).isEqualTo(200);
    Map<String, ScanEvent> scans = published();
    for (int f = 1; f <= 3; f++) {
      ScanEvent scan = scans.get(series.sop(0) + "/frames/" + f);
      assertThat(scan).as("frame " + f).isNotNull();
      assertThat(scan.getSliceIndex()).isEqualTo(f - 1);
      assertThat(scan.getSliceCount()).isEqualTo(3);
      assertThat(scan.getAttributes()).containsEntry("frameNumber", Integer.toString(f))
          .containsEntry("imagePositionPatient", positions.get(f - 1))
          .containsEntry("sliceLocation", Double.toString(12.0 + 4 * (f - 1)));
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
    Path native4 = DicomTools.write(dir.resolve("mixed4.dcm"),
        series.instance(3, 3, 32, TransferSyntax.EXPLICIT_VR_LITTLE_ENDIAN));
    byte[] jpeg12 = Files.readAllBytes(DicomTools.jpegExtended().apply(native4,
        dir.resolve("mixed4-extended12.dcm")));
    String jpeg12Sop = DicomReader.peekSopUids(jpeg12)[1]; // dcmtk gives lossy copies a new UID
    TestInstances other = new TestInstances("it-other-" + seed, seed);

    // a good one, JPEG-LS and 12-bit lossy JPEG (no decoder), a truncated one
    StowClient.Answer mixed = client.store(List.of(
        series.instance(0, 3, 32, TransferSyntax.EXPLICIT_VR_LITTLE_ENDIAN), jpegLs, jpeg12,
        damaged));
    assertThat(mixed.status()).as(mixed.text()).isEqualTo(202);
    assertThat(mixed.stored()).containsExactly(series.sop(0));
    assertThat(mixed.failed()).containsExactly(series.sop(1), jpeg12Sop, series.sop(2));
    assertThat(mixed.reasons()).containsExactly(0xC122, 0xC122, 0xC000);
    assertThat(mixed.warnings()).anySatisfy(w -> assertThat(w).contains(series.sop(1),
        "1.2.840.10008.1.2.4.80", "JPEG-LS", "dcmdjpls", "gdcmconv --raw"));
    assertThat(mixed.warnings()).anySatisfy(w -> assertThat(w).contains(jpeg12Sop,
        "JPEG Extended", "precision 12", "dcmdjpeg", "gdcmconv --raw"));

    // an instance of another study posted to this study's URL: nothing stored
    StowClient.Answer wrongStudy = client.store("/dicom-web/studies/" + series.study,
        Multipart.contentType(),
        Multipart.body(List.of(other.instance(0, 1, 32, TransferSyntax.EXPLICIT_VR_LITTLE_ENDIAN))),
        false);
    assertThat(wrongStudy.status()).isEqualTo(409);
    assertThat(wrongStudy.reasons()).containsExactly(0xA900);
    assertThat(published()).doesNotContainKeys(series.sop(1), series.sop(2), jpeg12Sop,
        other.sop(0));
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
    StowClient wrongBasic = new StowClient(gateway.port(), "Basic "
        + Base64.getEncoder().encodeToString("orthanc:guess".getBytes(StandardCharsets.UTF_8)));
    StowClient lowerCaseScheme = new StowClient(gateway.port(), "bearer " + TOKEN);

    StowClient.Answer unauthenticated = anonymous.store(List.of(one));
    assertThat(unauthenticated.status()).isEqualTo(401);
    assertThat(unauthenticated.headers().firstValue("WWW-Authenticate")).hasValueSatisfying(
        c -> assertThat(c).startsWith("Basic realm="));
    assertThat(wrong.store(List.of(one)).status()).isEqualTo(401);
    assertThat(wrongBasic.store(List.of(one)).status()).isEqualTo(401);
    assertThat(basic.store(List.of(one)).status()).isEqualTo(200);
    assertThat(lowerCaseScheme.store(List.of(one)).status()).as("the scheme is case-insensitive")
        .isEqualTo(200);
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

  @Test
  void shouldStoreOverHttpsWithATrustedCertificateAndDropPlainHttpOnTheTlsPort()
      throws Exception {
    // given a gateway serving HTTPS with a key store made here by the JDK's keytool
    String password = "tls-it-" + seed;
    Path keystore = TlsKeys.selfSigned(dir.resolve("gateway-tls.p12"), password);
    GatewayService tls = Gateways.start(stack, dir.resolve("state-tls"), Map.of(
        "gateway.tls.keystore.location", keystore.toString(),
        "gateway.tls.keystore.password", password,
        "gateway.auth.bearer.token", TOKEN));
    try {
      TestInstances series = new TestInstances("it-tls-" + seed, seed);
      byte[] instance = series.instance(0, 1, 32, TransferSyntax.EXPLICIT_VR_LITTLE_ENDIAN);
      HttpClient trusting = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5))
          .sslContext(TlsKeys.trusting(keystore, password)).build();
      String https = "https://127.0.0.1:" + tls.port();

      // when a client trusting the certificate posts over HTTPS: stored, published
      StowClient.Answer stored = new StowClient(trusting, https, "Bearer " + TOKEN)
          .store(List.of(instance));
      assertThat(stored.status()).as(stored.text()).isEqualTo(200);
      assertThat(stored.stored()).containsExactly(series.sop(0));
      assertThat(published()).containsKey(series.sop(0));
      // credentials are still asked for over HTTPS
      assertThat(new StowClient(trusting, https, null).store(List.of(instance)).status())
          .isEqualTo(401);

      // a client that does not trust the certificate refuses the handshake
      assertThatThrownBy(() -> new StowClient(HttpClient.newHttpClient(), https,
          "Bearer " + TOKEN).store(List.of(instance)))
          .isInstanceOf(javax.net.ssl.SSLHandshakeException.class);

      // plain HTTP to the TLS port: the connection is dropped at once (no answer, no hang) and
      // the instance is not published
      TestInstances plainSeries = new TestInstances("it-tls-plain-" + seed, seed);
      byte[] plainInstance =
          plainSeries.instance(0, 1, 32, TransferSyntax.EXPLICIT_VR_LITTLE_ENDIAN);
      assertThatThrownBy(() -> new StowClient(tls.port(), "Bearer " + TOKEN)
          .store(List.of(plainInstance)))
          .isInstanceOf(java.io.IOException.class)
          .isNotInstanceOf(java.net.http.HttpTimeoutException.class);
      assertThat(published()).doesNotContainKey(plainSeries.sop(0));

      // and HTTPS is served as before
      assertThat(new StowClient(trusting, https, "Bearer " + TOKEN).store(List.of(instance))
          .status()).isEqualTo(200);
    } finally {
      tls.close();
    }
  }
}
