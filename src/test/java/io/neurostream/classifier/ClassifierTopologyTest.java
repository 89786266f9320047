package io.neurostream.classifier;

import static org.assertj.core.api.Assertions.assertThat;

import io.neurostream.avro.DeadLetter;
import io.neurostream.avro.ImageEncoding;
import io.neurostream.avro.Prediction;
import io.neurostream.avro.ScanEvent;
import io.neurostream.kafka.Topics;
import io.neurostream.platform.InMemoryRegistry;
import io.neurostream.serde.AvroSerdes;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.Serializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.streams.test.TestRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

class ClassifierTopologyTest {

  @RegisterExtension static final InMemoryRegistry registry = new InMemoryRegistry();

  private final ClassifierMetrics metrics = ClassifierMetrics.discarding();
  private TopologyTestDriver driver;
  private TestInputTopic<String, byte[]> scans;
  private TestOutputTopic<String, Prediction> predictions;
  private TestOutputTopic<String, DeadLetter> deadLetters;
  private Serializer<ScanEvent> scanSerializer;

  @AfterEach
  void closeDriver() {
    if (driver != null) {
      driver.close();
    }
  }

  private void start(ModelHolder models, int batchSize, long delayMs) {
    TopologySettings settings = TopologySettings.defaults().withBatch(batchSize, delayMs);
    Properties props = new Properties();
    props.put(StreamsConfig.APPLICATION_ID_CONFIG, "classifier-test");
    props.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, "unused:9092");
    props.put(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, StreamsConfig.EXACTLY_ONCE_V2);
    driver = new TopologyTestDriver(
        ClassifierTopology.build(settings, registry.serdeConfig(), models, metrics), props,
        Instant.ofEpochMilli(1_700_000_000_000L));
    scans = driver.createInputTopic(Topics.SCANS.name(), new StringSerializer(),
        new ByteArraySerializer());
    predictions = driver.createOutputTopic(Topics.PREDICTIONS.name(), new StringDeserializer(),
        AvroSerdes.specific(Prediction.class, registry.serdeConfig(), false).deserializer());
    deadLetters = driver.createOutputTopic(Topics.SCANS_DLQ.name(), new StringDeserializer(),
        AvroSerdes.specific(DeadLetter.class, registry.serdeConfig(), false).deserializer());
    scanSerializer = AvroSerdes.specific(ScanEvent.class, registry.serdeConfig(), false).serializer();
  }

  private void pipe(ScanEvent scan) {
    scans.pipeInput(scan.getIdentity().getSopInstanceUid(),
        scanSerializer.serialize(Topics.SCANS.name(), scan));
  }

  @Test
  void shouldProduceOnePredictionPerScan() {
    // given
    start(new ModelHolder(new FakeScanModel("v1")), 4, 50);

    // when ten scans arrive and the delay passes
    for (int i = 0; i < 10; i++) {
      pipe(ClassifierScans.png(ClassifierScans.uid(i), 32, 0.1f));
    }
    driver.advanceWallClockTime(Duration.ofMillis(60));

    // then
    List<TestRecord<String, Prediction>> out = predictions.readRecordsToList();
    assertThat(out).extracting(TestRecord::key)
        .containsExactlyInAnyOrderElementsOf(
            java.util.stream.IntStream.range(0, 10).mapToObj(ClassifierScans::uid).toList());
    assertThat(out).allSatisfy(r -> {
      assertThat(r.value().getIdentity().getSopInstanceUid()).isEqualTo(r.key());
      assertThat(r.value().getModelVersion()).isEqualTo("v1");
      assertThat(r.value().getProbabilities()).hasSize(4);
    });
    assertThat(deadLetters.isEmpty()).isTrue();
  }

  @Test
  void shouldRunOneInferencePerFullBatchWithoutWaitingForTheDelay() {
    FakeScanModel model = new FakeScanModel("v1");
    start(new ModelHolder(model), 4, 10_000);

    for (int i = 0; i < 8; i++) {
      pipe(ClassifierScans.png(ClassifierScans.uid(i), 32, 0.1f));
    }

    assertThat(model.batchSizes).containsExactly(4, 4);
    assertThat(predictions.readValuesToList()).hasSize(8)
        .allSatisfy(p -> assertThat(p.getBatchSize()).isEqualTo(4));
  }

  @Test
  void shouldFlushAPartialBatchOnceTheOldestScanHasWaitedTheDelay() {
    FakeScanModel model = new FakeScanModel("v1");
    start(new ModelHolder(model), 32, 50);

    for (int i = 0; i < 3; i++) {
      pipe(ClassifierScans.png(ClassifierScans.uid(i), 32, 0.1f));
    }
    driver.advanceWallClockTime(Duration.ofMillis(20));
    assertThat(predictions.isEmpty()).isTrue();

    driver.advanceWallClockTime(Duration.ofMillis(40));
    assertThat(predictions.readValuesToList()).hasSize(3)
        .allSatisfy(p -> assertThat(p.getBatchSize()).isEqualTo(3));
    assertThat(model.batchSizes).containsExactly(3);
  }

  @Test
  void shouldStampTheScanTimestampAndPredictionTime() {
    start(new ModelHolder(new FakeScanModel("v1")), 1, 50);
    ScanEvent scan = ClassifierScans.png(ClassifierScans.uid(1), 32, 0.1f);
    scans.pipeInput(new TestRecord<>(scan.getIdentity().getSopInstanceUid(),
        scanSerializer.serialize(Topics.SCANS.name(), scan), Instant.ofEpochMilli(1_699_999_999_000L)));

    Prediction p = predictions.readValue();
    assertThat(p.getScanTimestamp()).isEqualTo(Instant.ofEpochMilli(1_699_999_999_000L));
    assertThat(p.getPredictedAt()).isAfterOrEqualTo(p.getScanTimestamp());
    assertThat(p.getBatchSize()).isEqualTo(1);
  }

  @Test
  void shouldServeASwappedModelFromTheNextBatchOnAndCloseTheOldOne() {
    FakeScanModel v1 = new FakeScanModel("v1");
    FakeScanModel v2 = new FakeScanModel("v2");
    ModelHolder models = new ModelHolder(v1);
    start(models, 2, 50);

    pipe(ClassifierScans.png(ClassifierScans.uid(1), 32, 0.1f));
    pipe(ClassifierScans.png(ClassifierScans.uid(2), 32, 0.1f));
    models.swap(v2);
    pipe(ClassifierScans.png(ClassifierScans.uid(3), 32, 0.1f));
    pipe(ClassifierScans.png(ClassifierScans.uid(4), 32, 0.1f));

    assertThat(predictions.readValuesToList()).extracting(Prediction::getModelVersion)
        .containsExactly("v1", "v1", "v2", "v2");
    assertThat(v1.closed).isTrue();
    assertThat(v2.closed).isFalse();
  }

  @Test
  void shouldDeadLetterPoisonRecordsWithTheirOriginalBytesAndKeepClassifying() {
    start(new ModelHolder(new FakeScanModel("v1")), 4, 50);
    byte[] badMagic = {1, 0, 0, 0, 1, 2, 3};
    byte[] unknownId = {0, 0, 0, 0x7f, 0x7f, 2, 4, 6};
    byte[] good = scanSerializer.serialize(Topics.SCANS.name(),
        ClassifierScans.png(ClassifierScans.uid(0), 32, 0.1f));
    byte[] truncated = Arrays.copyOf(good, 12);
    byte[] notAPng = scanSerializer.serialize(Topics.SCANS.name(), ClassifierScans.scan(
        ClassifierScans.uid(100), ImageEncoding.PNG, 32, 32, new byte[] {1, 2, 3, 4, 5}));
    byte[] tooSmall = scanSerializer.serialize(Topics.SCANS.name(), ClassifierScans.scan(
        ClassifierScans.uid(101), ImageEncoding.RAW_U8, 2, 2, new byte[4]));
    byte[] tooLarge = new byte[TopologySettings.defaults().scanMaxPayloadBytes() + 1];

    scans.pipeInput("bad-magic", badMagic);
    scans.pipeInput("unknown-id", unknownId);
    scans.pipeInput("truncated", truncated);
    scans.pipeInput(ClassifierScans.uid(100), notAPng);
    scans.pipeInput(ClassifierScans.uid(101), tooSmall);
    scans.pipeInput("too-large", tooLarge);
    scans.pipeInput(ClassifierScans.uid(0), good);
    scans.pipeInput("tombstone", (byte[]) null);
    driver.advanceWallClockTime(Duration.ofMillis(60));

    List<TestRecord<String, DeadLetter>> letters = deadLetters.readRecordsToList();
    assertThat(letters).extracting(r -> r.key() + ":" + r.value().getStage() + ":"
            + r.value().getErrorType())
        .containsExactlyInAnyOrder(
            "bad-magic:DESERIALIZE:BAD_MAGIC_BYTE",
            "unknown-id:DESERIALIZE:UNKNOWN_SCHEMA_ID",
            "truncated:DESERIALIZE:UNDECODABLE_AVRO",
            ClassifierScans.uid(100) + ":DECODE:IMAGE_DECODE_FAILED",
            ClassifierScans.uid(101) + ":VALIDATE:DIMENSIONS_OUT_OF_RANGE",
            "too-large:VALIDATE:PAYLOAD_TOO_LARGE",
            "tombstone:VALIDATE:MISSING_VALUE");
    DeadLetter magic = letters.get(0).value();
    assertThat(bytes(magic.getOriginalValue())).isEqualTo(badMagic);
    assertThat(magic.getSourceTopic()).isEqualTo(Topics.SCANS.name());
    assertThat(magic.getSourceOffset()).isEqualTo(0L);
    assertThat(bytes(magic.getSourceKey())).isEqualTo("bad-magic".getBytes());
    assertThat(letters).allSatisfy(r -> assertThat(r.value().getErrorMessage()).isNotBlank());
    DeadLetter undecodable = letters.stream().filter(r -> r.key().equals(ClassifierScans.uid(100)))
        .findFirst().orElseThrow().value();
    assertThat(bytes(undecodable.getOriginalValue())).isEqualTo(notAPng);
    assertThat(undecodable.getSourceOffset()).isEqualTo(3L);
    assertThat(predictions.readKeyValuesToList()).extracting(kv -> kv.key)
        .containsExactly(ClassifierScans.uid(0));
  }

  @Test
  void shouldIsolateTheScanThatBreaksABatchAndClassifyTheRest() {
    // given a model that fails on bright images
    FakeScanModel model = new FakeScanModel("v1", img -> img.pixels()[0] > 0.9f);
    start(new ModelHolder(model), 4, 50);

    // when one of four scans is bright
    pipe(ClassifierScans.png(ClassifierScans.uid(1), 32, 0.1f));
    pipe(ClassifierScans.png(ClassifierScans.uid(2), 32, 1.0f));
    pipe(ClassifierScans.png(ClassifierScans.uid(3), 32, 0.1f));
    pipe(ClassifierScans.png(ClassifierScans.uid(4), 32, 0.1f));

    // then it alone is a dead letter and the others are predicted one by one
    assertThat(predictions.readKeyValuesToList()).extracting(kv -> kv.key)
        .containsExactly(ClassifierScans.uid(1), ClassifierScans.uid(3), ClassifierScans.uid(4));
    DeadLetter letter = deadLetters.readValue();
    assertThat(letter.getStage()).isEqualTo("INFERENCE");
    assertThat(letter.getErrorType()).isEqualTo("INFERENCE_FAILED");
    assertThat(letter.getSourceOffset()).isEqualTo(1L);
  }

  private static byte[] bytes(ByteBuffer b) {
    byte[] out = new byte[b.remaining()];
    b.duplicate().get(out);
    return out;
  }

  private void pipeAt(ScanEvent scan, long timestamp) {
    scans.pipeInput(new TestRecord<>(scan.getIdentity().getSopInstanceUid(),
        scanSerializer.serialize(Topics.SCANS.name(), scan), null, timestamp));
  }

  @Test
  void shouldGiveAReSentScanNoSecondPredictionButClassifyACorrectedImage() {
    // given
    start(new ModelHolder(new FakeScanModel("v1")), 4, 50);
    long t0 = 1_700_000_000_000L;
    ScanEvent scan = ClassifierScans.png(ClassifierScans.uid(1), 32, 0.1f);

    // when the same scan arrives three times (a router's retries), then a corrected image
    pipeAt(scan, t0);
    pipeAt(scan, t0 + 1_000);
    pipeAt(ClassifierScans.png(ClassifierScans.uid(1), 32, 0.1f), t0 + 60_000);
    pipeAt(ClassifierScans.png(ClassifierScans.uid(1), 32, 0.7f), t0 + 61_000);
    driver.advanceWallClockTime(Duration.ofMillis(60));

    // then one prediction per distinct image
    assertThat(predictions.readKeyValuesToList()).hasSize(2);
    assertThat(deadLetters.isEmpty()).isTrue();
  }

  @Test
  void shouldForgetScansAfterTheRetention() {
    // given a retention of one minute
    TopologySettings settings = TopologySettings.from(Map.of(
        TopologySettings.DEDUP_RETENTION_MS, "60000", TopologySettings.BATCH_MAX_SIZE, "1"));
    Properties props = new Properties();
    props.put(StreamsConfig.APPLICATION_ID_CONFIG, "classifier-test");
    props.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, "unused:9092");
    driver = new TopologyTestDriver(ClassifierTopology.build(settings, registry.serdeConfig(),
        new ModelHolder(new FakeScanModel("v1")), metrics), props);
    scans = driver.createInputTopic(Topics.SCANS.name(), new StringSerializer(),
        new ByteArraySerializer());
    predictions = driver.createOutputTopic(Topics.PREDICTIONS.name(), new StringDeserializer(),
        AvroSerdes.specific(Prediction.class, registry.serdeConfig(), false).deserializer());
    scanSerializer = AvroSerdes.specific(ScanEvent.class, registry.serdeConfig(), false).serializer();
    ScanEvent scan = ClassifierScans.png(ClassifierScans.uid(2), 32, 0.3f);
    long t0 = 1_700_000_000_000L;

    // when it is re-sent within the minute, and again after stream time moved on an hour
    pipeAt(scan, t0);
    pipeAt(scan, t0 + 30_000);
    pipeAt(ClassifierScans.png(ClassifierScans.uid(3), 32, 0.3f), t0 + 3_600_000);
    pipeAt(scan, t0 + 3_600_000);

    // then the late copy is classified again: the store does not keep scans for ever
    assertThat(predictions.readKeyValuesToList()).extracting(kv -> kv.key)
        .containsExactly(ClassifierScans.uid(2), ClassifierScans.uid(3), ClassifierScans.uid(2));
  }
}
