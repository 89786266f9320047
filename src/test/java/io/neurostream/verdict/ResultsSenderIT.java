package io.neurostream.verdict;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.sun.net.httpserver.HttpServer;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.neurostream.avro.SeriesGrouping;
import io.neurostream.avro.SeriesVerdict;
import io.neurostream.config.CommonKeys;
import io.neurostream.config.ConfigSources;
import io.neurostream.config.Configuration;
import io.neurostream.imaging.DicomWriter;
import io.neurostream.kafka.Topics;
import io.neurostream.platform.KafkaStack;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The sender's delivery rules against a PACS that misbehaves on purpose (an in-process HTTP
 * server) and a real broker: a 503 is retried until the instance is stored, a 400 is counted and
 * not retried, a verdict without a DICOM series is skipped, and a restarted sender resumes after
 * what was committed instead of sending it again.
 */
@Timeout(value = 4, unit = TimeUnit.MINUTES)
class ResultsSenderIT {

  @RegisterExtension static final KafkaStack stack = KafkaStack.withRegistry();
  @TempDir Path dir;

  static final String RETRIED = DicomWriter.uidFromName("sender-it/retried");
  static final String REFUSED = DicomWriter.uidFromName("sender-it/refused");
  static final String LATER = DicomWriter.uidFromName("sender-it/later");

  @Test
  void shouldRetryUnavailableSkipRefusedAndResumeAfterTheCommittedVerdicts() throws Exception {
    // given a PACS that is unavailable twice for one study and refuses another
    Map<String, AtomicInteger> stows = new ConcurrentHashMap<>();
    List<String> studiesAsked = new CopyOnWriteArrayList<>();
    AtomicInteger unavailable = new AtomicInteger(2);
    HttpServer pacs = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    pacs.createContext("/dicom-web/studies", exchange -> {
      String path = exchange.getRequestURI().getPath();
      int status;
      byte[] body = new byte[0];
      if (exchange.getRequestMethod().equals("GET")) {
        studiesAsked.add(exchange.getRequestURI().getQuery());
        status = 200;
        body = "[{\"00100020\":{\"vr\":\"LO\",\"Value\":[\"P-7\"]}}]".getBytes(StandardCharsets.UTF_8);
      } else {
        exchange.getRequestBody().readAllBytes();
        String study = path.substring(path.lastIndexOf('/') + 1);
        stows.computeIfAbsent(study, s -> new AtomicInteger()).incrementAndGet();
        status = study.equals(REFUSED) ? 400
            : study.equals(RETRIED) && unavailable.getAndDecrement() > 0 ? 503 : 200;
      }
      exchange.sendResponseHeaders(status, body.length == 0 ? -1 : body.length);
      if (body.length > 0) {
        exchange.getResponseBody().write(body);
      }
      exchange.close();
    });
    pacs.start();
    try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(stack.client(),
        new StringSerializer(), new ByteArraySerializer())) {
      // and three verdicts: one to retry, one refused, one without a DICOM series
      send(producer, verdict(RETRIED, SeriesGrouping.SERIES_UID));
      send(producer, verdict(REFUSED, SeriesGrouping.SERIES_UID));
      send(producer, verdict(DicomWriter.uidFromName("sender-it/subject"), SeriesGrouping.SUBJECT));

      // when the sender runs
      SimpleMeterRegistry meters = new SimpleMeterRegistry();
      VerdictConfig config = config("http://127.0.0.1:" + pacs.getAddress().getPort()
          + "/dicom-web");
      try (ResultsSender sender = ResultsSender.start(config, meters).orElseThrow()) {
        // then the unavailable study is stored on the third attempt, the refused one is not retried
        await().atMost(Duration.ofMinutes(2)).untilAsserted(() -> {
          assertThat(count(meters, "neurostream_results_total", "outcome", "stored")).isEqualTo(1);
          assertThat(count(meters, "neurostream_results_total", "outcome", "rejected")).isEqualTo(1);
          assertThat(count(meters, "neurostream_results_total", "outcome", "skipped")).isEqualTo(1);
        });
        assertThat(stows.get(RETRIED)).hasValue(3);
        assertThat(stows.get(REFUSED)).hasValue(1);
        assertThat(count(meters, "neurostream_results_retries_total", null, null)).isEqualTo(2);
        assertThat(count(meters, "neurostream_results_rejected_total", "status", "400"))
            .isEqualTo(1);
      }

      // when a new sender of the same group starts and one more verdict comes
      send(producer, verdict(LATER, SeriesGrouping.SERIES_UID));
      SimpleMeterRegistry again = new SimpleMeterRegistry();
      try (ResultsSender sender = ResultsSender.start(config("http://127.0.0.1:"
          + pacs.getAddress().getPort() + "/dicom-web"), again).orElseThrow()) {
        await().atMost(Duration.ofMinutes(2)).untilAsserted(() -> assertThat(
            count(again, "neurostream_results_total", "outcome", "stored")).isEqualTo(1));
        // then only it is sent: what was committed before is not sent again (in order)
        assertThat(stows.get(LATER)).hasValue(1);
        assertThat(stows.get(RETRIED)).hasValue(3);
        assertThat(stows.get(REFUSED)).hasValue(1);
      }
    } finally {
      pacs.stop(0);
    }
  }

  private VerdictConfig config(String url) {
    Map<String, String> s = new HashMap<>(stack.settings(dir.resolve("state")));
    s.put(VerdictKeys.APPLICATION_ID.name(), "sender-it");
    s.put(VerdictKeys.EXPLAIN_MODE.name(), "off");
    s.put(VerdictKeys.RESULTS_URL.name(), url);
    s.put(VerdictKeys.RESULTS_RETRY_MAX.name(), "200");
    return VerdictConfig.from(Configuration.load(ConfigSources.builder().optEnv(Map.of())
        .optOverrides(s).build(), new CommonKeys(), new VerdictKeys()));
  }

  private static SeriesVerdict verdict(String study, SeriesGrouping grouping) {
    return SeriesVerdict.newBuilder(VerdictCaptureTest.verdict(1, false))
        .setStudyInstanceUid(study).setSeriesInstanceUid(study + ".1").setGrouping(grouping)
        .build();
  }

  private static void send(KafkaProducer<String, byte[]> producer, SeriesVerdict v)
      throws Exception {
    // one key for all: one partition, so the sender takes them in the order sent
    producer.send(new ProducerRecord<>(Topics.SERIES_VERDICTS.name(), "sender-it",
        Topics.SERIES_VERDICTS.valueSerde(stack.serdeConfig()).serializer()
            .serialize(Topics.SERIES_VERDICTS.name(), v))).get();
  }

  private static double count(SimpleMeterRegistry meters, String name, String tag, String value) {
    Counter c = tag == null ? meters.find(name).counter() : meters.find(name).tag(tag, value)
        .counter();
    return c == null ? 0 : c.count();
  }
}
