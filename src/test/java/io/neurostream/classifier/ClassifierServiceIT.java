package io.neurostream.classifier;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.neurostream.avro.DeadLetter;
import io.neurostream.avro.ImageEncoding;
import io.neurostream.avro.Prediction;
import io.neurostream.config.CommonKeys;
import io.neurostream.config.ConfigSources;
import io.neurostream.config.Configuration;
import io.neurostream.platform.KafkaStack;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The classifier in this JVM with the real model path (a tiny ResNet bundle), against the embedded
 * broker and registry: exactly one prediction per scan, and malformed records as dead letters.
 */
@Timeout(value = 8, unit = TimeUnit.MINUTES)
class ClassifierServiceIT {

  static final String APP = "classifier-service-it";
  @TempDir static Path dir;
  @RegisterExtension static final KafkaStack stack = KafkaStack.withRegistry();
  static ClassifierService classifier;
  static ScanTraffic traffic;

  @BeforeAll
  static void start() throws Exception {
    Path bundle = TinyBundles.write(dir.resolve("tiny-1.bundle"), "tiny-1");
    Configuration c = Configuration.load(ConfigSources.builder()
        .optEnv(Map.of())
        .optOverrides(Map.of(
            "bootstrap.servers", stack.bootstrap(),
            "schema.registry.url", stack.registryUrl(),
            "application.id", APP,
            "model.bundle", bundle.toString(),
            "metrics.port", "0",
            "num.stream.threads", "2",
            "state.dir", dir.resolve("state").toString(),
            "scan.max.payload.bytes", "65536"))
        .build(), new CommonKeys(), new ClassifierKeys());
    classifier = ClassifierService.start(ClassifierConfig.from(c),
        new PrometheusMeterRegistry(PrometheusConfig.DEFAULT));
    traffic = new ScanTraffic(stack);
  }

  @AfterAll
  static void stop() {
    if (traffic != null) {
      traffic.close();
    }
    if (classifier != null) {
      classifier.close();
    }
  }

  @Test
  void shouldProduceExactlyOnePredictionPerScan() throws Exception {
    // given 2,000 scans
    for (int i = 0; i < 2000; i++) {
      traffic.send(traffic.scan("eo-" + i));
    }
    traffic.flush();

    // when the classifier has consumed them all
    traffic.awaitConsumed(APP, Duration.ofMinutes(4));

    // then exactly one committed prediction per scan id, each naming the model
    List<ConsumerRecord<String, Prediction>> out = traffic.predictions(k -> k.startsWith("eo-"));
    assertThat(out).hasSize(2000);
    assertThat(out.stream().map(ConsumerRecord::key).distinct()).hasSize(2000);
    assertThat(out).allSatisfy(r -> {
      assertThat(r.value().getModelVersion()).isEqualTo("tiny-1");
      assertThat(r.value().getIdentity().getSopInstanceUid()).isEqualTo(r.key());
      assertThat(r.value().getBatchSize()).isBetween(1, 32);
    });
    assertThat(metrics()).contains("neurostream_predictions_out_total")
        .contains("neurostream_consumer_lag_max")
        .contains("neurostream_inference_latency_seconds_bucket")
        .contains("neurostream_end_to_end_latency_seconds_bucket")
        .contains("neurostream_model_info{version=\"tiny-1\"} 1");
  }

  @Test
  void shouldDeadLetterEveryMalformedRecordWithItsReasonAndClassifyTheRest() throws Exception {
    // given 2,000 good scans with 500 malformed ones of six kinds mixed in at random places
    List<String[]> kinds = List.of(
        new String[] {"magic", "DESERIALIZE", "BAD_MAGIC_BYTE"},
        new String[] {"schemaid", "DESERIALIZE", "UNKNOWN_SCHEMA_ID"},
        new String[] {"truncated", "DESERIALIZE", "UNDECODABLE_AVRO"},
        new String[] {"png", "DECODE", "IMAGE_DECODE_FAILED"},
        new String[] {"dims", "VALIDATE", "DIMENSIONS_OUT_OF_RANGE"},
        new String[] {"large", "VALIDATE", "PAYLOAD_TOO_LARGE"});
    List<Runnable> sends = new ArrayList<>();
    for (int i = 0; i < 2000; i++) {
      String id = "mx-ok-" + i;
      sends.add(() -> traffic.send(traffic.scan(id)));
    }
    Random random = new Random(3);
    for (int i = 0; i < 500; i++) {
      String[] kind = kinds.get(i % kinds.size());
      String key = "mx-bad-" + kind[0] + "-" + i;
      byte[] value = malformed(kind[0], key, random);
      sends.add(() -> traffic.send(key, value));
    }
    Collections.shuffle(sends, random);
    sends.forEach(Runnable::run);
    traffic.flush();

    // when the classifier has consumed them all
    traffic.awaitConsumed(APP, Duration.ofMinutes(4));

    // then 500 dead letters, each with the reason of its kind and its original bytes
    List<ConsumerRecord<String, DeadLetter>> letters = traffic.deadLetters(k -> k.startsWith("mx-"));
    assertThat(letters).hasSize(500);
    assertThat(letters).allSatisfy(r -> {
      String kind = r.key().split("-")[2];
      String[] expected = kinds.stream().filter(k -> k[0].equals(kind)).findFirst().orElseThrow();
      assertThat(r.value().getStage()).as(r.key()).isEqualTo(expected[1]);
      assertThat(r.value().getErrorType()).as(r.key()).isEqualTo(expected[2]);
      assertThat(r.value().getErrorMessage()).isNotBlank();
      assertThat(r.value().getOriginalValue()).isNotNull();
      assertThat(r.value().getSourceTopic()).isEqualTo("mri.scans");
    });
    assertThat(letters.stream().map(r -> r.key().split("-")[2])
        .collect(Collectors.groupingBy(k -> k, Collectors.counting())))
        .hasSize(kinds.size());
    // and 2,000 predictions, one per good scan
    List<ConsumerRecord<String, Prediction>> out = traffic.predictions(k -> k.startsWith("mx-"));
    assertThat(out).hasSize(2000);
    assertThat(out).allSatisfy(r -> assertThat(r.key()).startsWith("mx-ok-"));
    assertThat(out.stream().map(ConsumerRecord::key).distinct()).hasSize(2000);
  }

  @Test
  void shouldClassifyTheFilesIngestPublishesShowThemInTailAndLabelThemUnderTheSameIds()
      throws Exception {
    // given a Kaggle-layout folder of phantoms with a manifest
    Path data = dir.resolve("phantoms");
    io.neurostream.phantom.PhantomDatasetWriter.write(
        io.neurostream.phantom.PhantomGenerator.builder().setSeed(9).optSize(64).build(),
        data, 4, 3, 1, false, n -> { });
    String[] connection = {"--bootstrap", stack.bootstrap(), "--registry", stack.registryUrl()};

    // when ingest publishes them and the classifier has consumed them
    CliRun ingest = CliRun.of(concat(new String[] {"ingest", data.toString(), "--rate", "200"},
        connection));
    assertThat(ingest.code()).as(ingest.err()).isZero();
    assertThat(ingest.out()).contains("ingest: 12 scans published to mri.scans, 0 files skipped");
    traffic.awaitConsumed(APP, Duration.ofMinutes(4));

    // then tail shows their predictions as JSON lines, patient keys pseudonymous
    int total = traffic.predictions(k -> true).size();
    CliRun tail = CliRun.of(concat(new String[] {"tail", "--from-beginning", "--format", "json",
        "--max", Integer.toString(total)}, connection));
    assertThat(tail.code()).as(tail.err()).isZero();
    List<String> ingested = tail.out().lines()
        .filter(l -> l.contains("\"sopInstanceUid\":\"2.25.")).toList();
    assertThat(ingested).hasSize(12).allSatisfy(l -> assertThat(l)
        .contains("\"modelVersion\":\"tiny-1\"").containsPattern("\"patientKey\":\"pk-[0-9a-f]{32}\""));

    // and label publishes labels for the same scan ids
    CliRun label = CliRun.of(concat(new String[] {"label", data.toString()}, connection));
    assertThat(label.code()).as(label.err()).isZero();
    assertThat(label.out()).contains("label: 12 labels published to mri.labels");
    java.util.Set<String> predicted = ingested.stream()
        .map(l -> l.replaceAll(".*\"sopInstanceUid\":\"([^\"]+)\".*", "$1"))
        .collect(Collectors.toSet());
    assertThat(labelKeys()).containsExactlyInAnyOrderElementsOf(predicted);
  }

  private static java.util.Set<String> labelKeys() {
    Map<String, Object> props = new java.util.HashMap<>(stack.client());
    props.put("isolation.level", "read_committed");
    java.util.Set<String> keys = new java.util.HashSet<>();
    try (var consumer = new org.apache.kafka.clients.consumer.KafkaConsumer<String, byte[]>(props,
        new org.apache.kafka.common.serialization.StringDeserializer(),
        new org.apache.kafka.common.serialization.ByteArrayDeserializer())) {
      var parts = consumer.partitionsFor("mri.labels").stream()
          .map(p -> new org.apache.kafka.common.TopicPartition(p.topic(), p.partition())).toList();
      consumer.assign(parts);
      consumer.seekToBeginning(parts);
      var end = consumer.endOffsets(parts);
      while (parts.stream().anyMatch(tp -> consumer.position(tp) < end.get(tp))) {
        consumer.poll(Duration.ofMillis(500)).forEach(r -> keys.add(r.key()));
      }
    }
    return keys;
  }

  private static String[] concat(String[] a, String[] b) {
    String[] out = Arrays.copyOf(a, a.length + b.length);
    System.arraycopy(b, 0, out, a.length, b.length);
    return out;
  }

  /** One run of the {@code neurostream} command line in this JVM. */
  record CliRun(int code, String out, String err) {
    static CliRun of(String... args) {
      java.io.StringWriter out = new java.io.StringWriter();
      java.io.StringWriter err = new java.io.StringWriter();
      picocli.CommandLine cli = io.neurostream.cli.NeuroStream.commandLine();
      cli.setOut(new java.io.PrintWriter(out, true));
      cli.setErr(new java.io.PrintWriter(err, true));
      int code = cli.execute(args);
      return new CliRun(code, out.toString(), err.toString());
    }
  }

  private static byte[] malformed(String kind, String key, Random random) {
    byte[] good = traffic.serialize(traffic.scan(key));
    return switch (kind) {
      case "magic" -> { byte[] b = good.clone(); b[0] = 7; yield b; }
      case "schemaid" -> { byte[] b = good.clone(); b[1] = 0x7f; yield b; }
      case "truncated" -> Arrays.copyOf(good, 5 + random.nextInt(20));
      case "png" -> traffic.serialize(ClassifierScans.scan(key, ImageEncoding.PNG, 48, 48,
          Arrays.copyOf(new byte[] {(byte) 0x89, 'P', 'N', 'G'}, 200)));
      case "dims" -> traffic.serialize(ClassifierScans.scan(key, ImageEncoding.RAW_U8, 4, 4,
          new byte[16]));
      case "large" -> traffic.serialize(ClassifierScans.scan(key, ImageEncoding.RAW_U8, 300, 300,
          new byte[90_000]));
      default -> throw new IllegalArgumentException(kind);
    };
  }

  private static String metrics() throws Exception {
    return HttpClient.newHttpClient().send(HttpRequest.newBuilder(
            URI.create("http://localhost:" + classifier.metricsPort() + "/metrics")).build(),
        HttpResponse.BodyHandlers.ofString()).body();
  }
}
