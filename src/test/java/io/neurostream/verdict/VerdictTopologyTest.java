package io.neurostream.verdict;

import static org.assertj.core.api.Assertions.assertThat;

import io.neurostream.avro.DeadLetter;
import io.neurostream.avro.DementiaStage;
import io.neurostream.avro.Prediction;
import io.neurostream.avro.ScanIdentity;
import io.neurostream.avro.SeriesAggregation;
import io.neurostream.avro.SeriesGrouping;
import io.neurostream.avro.SeriesVerdict;
import io.neurostream.avro.VerdictClosure;
import io.neurostream.kafka.Topics;
import io.neurostream.platform.InMemoryRegistry;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.common.serialization.Serializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

class VerdictTopologyTest {

  private static final Instant T0 = Instant.ofEpochMilli(1_700_000_000_000L);
  private static final Duration GAP = Duration.ofSeconds(10);
  @RegisterExtension static final InMemoryRegistry registry = new InMemoryRegistry();

  private TopologyTestDriver driver;
  private TestInputTopic<String, byte[]> predictions;
  private TestOutputTopic<String, SeriesVerdict> verdicts;
  private TestOutputTopic<String, DeadLetter> deadLetters;
  private Serializer<Prediction> serializer;

  @AfterEach
  void closeDriver() {
    if (driver != null) {
      driver.close();
    }
  }

  private void start(VerdictSettings settings) {
    Properties props = new Properties();
    props.put(StreamsConfig.APPLICATION_ID_CONFIG, "verdict-test");
    props.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, "unused:9092");
    props.put(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, StreamsConfig.EXACTLY_ONCE_V2);
    props.put("processing.exception.handler.global.enabled", "true");
    driver = new TopologyTestDriver(VerdictTopology.build(settings, registry.serdeConfig(),
        VerdictMetrics.discarding(), false), props, T0);
    predictions = driver.createInputTopic(Topics.PREDICTIONS.name(), new StringSerializer(),
        new ByteArraySerializer());
    verdicts = driver.createOutputTopic(Topics.SERIES_VERDICTS.name(), new StringDeserializer(),
        Topics.SERIES_VERDICTS.valueSerde(registry.serdeConfig()).deserializer());
    deadLetters = driver.createOutputTopic(Topics.SCANS_DLQ.name(), new StringDeserializer(),
        Topics.SCANS_DLQ.valueSerde(registry.serdeConfig()).deserializer());
    serializer = Topics.PREDICTIONS.valueSerde(registry.serdeConfig()).serializer();
  }

  private void start() {
    start(VerdictSettings.defaults().withGap(GAP));
  }

  private static Prediction prediction(String series, int slice, Integer count, String model,
      float... probs) {
    int best = 0;
    for (int i = 1; i < probs.length; i++) {
      best = probs[i] > probs[best] ? i : best;
    }
    List<Float> p = new java.util.ArrayList<>();
    for (float f : probs) {
      p.add(f);
    }
    return Prediction.newBuilder()
        .setIdentity(ScanIdentity.newBuilder()
            .setStudyInstanceUid("study-of-" + series)
            .setSeriesInstanceUid(series)
            .setSopInstanceUid(series + "." + slice)
            .setPatientKey("pk-" + series)
            .build())
        .setPredicted(DementiaStage.values()[best])
        .setProbabilities(p)
        .setModelVersion(model)
        .setScanTimestamp(T0.plusMillis(slice))
        .setPredictedAt(T0.plusMillis(100 + slice))
        .setBatchSize(1)
        .setSliceIndex(slice)
        .setSliceCount(count)
        .build();
  }

  private void pipe(Prediction p) {
    predictions.pipeInput(p.getIdentity().getSopInstanceUid(),
        serializer.serialize(Topics.PREDICTIONS.name(), p));
  }

  private static Prediction mild(String series, int slice, Integer count) {
    return prediction(series, slice, count, "v1", 0.1f, 0.2f, 0.6f, 0.1f);
  }

  @Test
  void shouldEmitOneCompleteVerdictWhenEveryExpectedSliceHasArrived() {
    // given
    start();

    // when all four announced slices arrive
    for (int i = 0; i < 4; i++) {
      pipe(mild("s1", i, 4));
    }

    // then one verdict at once, without waiting for the gap
    List<SeriesVerdict> out = verdicts.readValuesToList();
    assertThat(out).hasSize(1);
    SeriesVerdict v = out.get(0);
    assertThat(v.getSeriesInstanceUid()).isEqualTo("s1");
    assertThat(v.getStudyInstanceUid()).isEqualTo("study-of-s1");
    assertThat(v.getPatientKey()).isEqualTo("pk-s1");
    assertThat(v.getClosedBy()).isEqualTo(VerdictClosure.COMPLETE);
    assertThat(v.getSlices()).isEqualTo(4);
    assertThat(v.getSlicesExpected()).isEqualTo(4);
    assertThat(v.getRevision()).isEqualTo(1);
    assertThat(v.getVerdict()).isEqualTo(DementiaStage.Mild_Demented);
    assertThat(v.getConfidence()).isCloseTo(0.6, org.assertj.core.data.Offset.offset(1e-6));
    assertThat(v.getProbabilities().values().stream().mapToDouble(Double::doubleValue).sum())
        .isCloseTo(1.0, org.assertj.core.data.Offset.offset(1e-6));
    assertThat(v.getSupportingSlices()).hasSize(3);
    assertThat(v.getMixedModelVersions()).isFalse();

    // and nothing more when the gap passes
    driver.advanceWallClockTime(GAP.multipliedBy(2));
    assertThat(verdicts.isEmpty()).isTrue();
  }

  @Test
  void shouldCloseAQuietSeriesByGapOnWallClockTime() {
    start();
    // given a series of unknown length
    for (int i = 0; i < 3; i++) {
      pipe(mild("s2", i, null));
    }
    // when less than the gap passes, nothing
    driver.advanceWallClockTime(GAP.minusSeconds(2));
    assertThat(verdicts.isEmpty()).isTrue();

    // then after the gap, one GAP verdict over the three slices
    driver.advanceWallClockTime(Duration.ofSeconds(3));
    List<SeriesVerdict> out = verdicts.readValuesToList();
    assertThat(out).hasSize(1);
    assertThat(out.get(0).getClosedBy()).isEqualTo(VerdictClosure.GAP);
    assertThat(out.get(0).getSlices()).isEqualTo(3);
    assertThat(out.get(0).getSlicesExpected()).isNull();
    assertThat(out.get(0).getRevision()).isEqualTo(1);
  }

  @Test
  void shouldRestartTheGapWithEveryNewSlice() {
    start();
    pipe(mild("s3", 0, null));
    driver.advanceWallClockTime(GAP.minusSeconds(1));
    pipe(mild("s3", 1, null));
    driver.advanceWallClockTime(GAP.minusSeconds(1));
    assertThat(verdicts.isEmpty()).isTrue();
    driver.advanceWallClockTime(Duration.ofSeconds(2));
    assertThat(verdicts.readValuesToList()).singleElement()
        .satisfies(v -> assertThat(v.getSlices()).isEqualTo(2));
  }

  @Test
  void shouldEmitANewRevisionForASliceArrivingAfterTheSeriesClosed() {
    start();
    // given a series closed by the gap with 3 of its 4 slices
    for (int i = 0; i < 3; i++) {
      pipe(mild("s4", i, 4));
    }
    driver.advanceWallClockTime(GAP.plusSeconds(1));
    assertThat(verdicts.readValuesToList()).singleElement().satisfies(v -> {
      assertThat(v.getClosedBy()).isEqualTo(VerdictClosure.GAP);
      assertThat(v.getRevision()).isEqualTo(1);
      assertThat(v.getSlices()).isEqualTo(3);
    });

    // when the fourth slice arrives late
    pipe(mild("s4", 3, 4));

    // then revision 2, complete, with all four slices counted once
    assertThat(verdicts.readValuesToList()).singleElement().satisfies(v -> {
      assertThat(v.getClosedBy()).isEqualTo(VerdictClosure.COMPLETE);
      assertThat(v.getRevision()).isEqualTo(2);
      assertThat(v.getSlices()).isEqualTo(4);
    });
  }

  @Test
  void shouldReopenAClosedSeriesOfUnknownLengthAndCloseItAgainByGap() {
    start();
    pipe(mild("s5", 0, null));
    driver.advanceWallClockTime(GAP.plusSeconds(1));
    assertThat(verdicts.readValuesToList()).hasSize(1);

    pipe(mild("s5", 1, null));
    pipe(mild("s5", 2, null));
    assertThat(verdicts.isEmpty()).isTrue();
    driver.advanceWallClockTime(GAP.plusSeconds(1));
    assertThat(verdicts.readValuesToList()).singleElement().satisfies(v -> {
      assertThat(v.getRevision()).isEqualTo(2);
      assertThat(v.getSlices()).isEqualTo(3);
      assertThat(v.getClosedBy()).isEqualTo(VerdictClosure.GAP);
    });
  }

  @Test
  void shouldCountAReSentInstanceOnce() {
    start();
    // given slices 0 and 1, then slice 1 again (a PACS retry), with other probabilities
    pipe(mild("s6", 0, 3));
    pipe(mild("s6", 1, 3));
    pipe(prediction("s6", 1, 3, "v1", 0.9f, 0.05f, 0.03f, 0.02f));
    // then the series is not complete yet: 2 distinct slices of 3
    assertThat(verdicts.isEmpty()).isTrue();

    // when the last slice arrives, and is re-sent after the verdict
    pipe(mild("s6", 2, 3));
    pipe(mild("s6", 2, 3));

    // then one verdict over three distinct slices; the retry neither counts nor revises it
    List<SeriesVerdict> out = verdicts.readValuesToList();
    assertThat(out).singleElement().satisfies(v -> {
      assertThat(v.getSlices()).isEqualTo(3);
      assertThat(v.getDuplicates()).isEqualTo(1);
      assertThat(v.getRevision()).isEqualTo(1);
      // the re-sent slice's other probabilities were not folded in
      assertThat(v.getConfidence()).isCloseTo(0.6, org.assertj.core.data.Offset.offset(1e-6));
    });
    driver.advanceWallClockTime(GAP.multipliedBy(3));
    assertThat(verdicts.isEmpty()).isTrue();
  }

  @Test
  void shouldFlagMixedModelVersions() {
    start();
    pipe(prediction("s7", 0, 2, "v1", 0.1f, 0.2f, 0.6f, 0.1f));
    pipe(prediction("s7", 1, 2, "v2", 0.1f, 0.2f, 0.6f, 0.1f));
    assertThat(verdicts.readValuesToList()).singleElement().satisfies(v -> {
      assertThat(v.getMixedModelVersions()).isTrue();
      assertThat(v.getModelVersions()).containsExactly("v1", "v2");
    });

    pipe(prediction("s8", 0, 2, "v2", 0.1f, 0.2f, 0.6f, 0.1f));
    pipe(prediction("s8", 1, 2, "v2", 0.1f, 0.2f, 0.6f, 0.1f));
    assertThat(verdicts.readValuesToList()).singleElement().satisfies(v -> {
      assertThat(v.getMixedModelVersions()).isFalse();
      assertThat(v.getModelVersions()).containsExactly("v2");
    });
  }

  @Test
  void shouldKeepSeriesApartAndKeyVerdictsBySeries() {
    start();
    pipe(mild("a", 0, 2));
    pipe(prediction("b", 0, 2, "v1", 0.7f, 0.1f, 0.1f, 0.1f));
    pipe(mild("a", 1, 2));
    pipe(prediction("b", 1, 2, "v1", 0.7f, 0.1f, 0.1f, 0.1f));
    Map<String, SeriesVerdict> out = verdicts.readKeyValuesToMap();
    assertThat(out).containsOnlyKeys("a", "b");
    assertThat(out.get("a").getVerdict()).isEqualTo(DementiaStage.Mild_Demented);
    assertThat(out.get("b").getVerdict()).isEqualTo(DementiaStage.Non_Demented);
    assertThat(out.get("a").getSlices()).isEqualTo(2);
  }

  @Test
  void shouldNameTheSlicesThatMostSupportTheVerdict() {
    start(VerdictSettings.defaults().withGap(GAP));
    pipe(prediction("s9", 0, 4, "v1", 0.2f, 0.2f, 0.5f, 0.1f));
    pipe(prediction("s9", 1, 4, "v1", 0.1f, 0.1f, 0.8f, 0.0f));
    pipe(prediction("s9", 2, 4, "v1", 0.4f, 0.2f, 0.3f, 0.1f));
    pipe(prediction("s9", 3, 4, "v1", 0.1f, 0.2f, 0.7f, 0.0f));
    SeriesVerdict v = verdicts.readValue();
    assertThat(v.getSupportingSlices()).extracting(s -> s.getSopInstanceUid())
        .containsExactly("s9.1", "s9.3", "s9.0");
    assertThat(v.getSupportingSlices().get(0).getProbability()).isCloseTo(0.8,
        org.assertj.core.data.Offset.offset(1e-6));
    assertThat(v.getSupportingSlices().get(0).getSliceIndex()).isEqualTo(1);
  }

  @Test
  void shouldAggregateByMeanLogProbabilityWhenConfigured() {
    start(VerdictSettings.defaults().withGap(GAP)
        .withAggregation(SeriesAggregation.MEAN_LOG_PROBABILITY));
    // one slice all but rules Mild out: the arithmetic mean still says Mild, the log mean does not
    pipe(prediction("s10", 0, 3, "v1", 0.05f, 0.05f, 0.9f, 0.0f));
    pipe(prediction("s10", 1, 3, "v1", 0.05f, 0.05f, 0.9f, 0.0f));
    pipe(prediction("s10", 2, 3, "v1", 0.4f, 0.5999f, 0.0001f, 0.0f));
    SeriesVerdict v = verdicts.readValue();
    assertThat(v.getAggregation()).isEqualTo(SeriesAggregation.MEAN_LOG_PROBABILITY);
    assertThat(v.getVerdict()).isEqualTo(DementiaStage.Very_Mild_Demented);
    assertThat(v.getProbabilities().values().stream().mapToDouble(Double::doubleValue).sum())
        .isCloseTo(1.0, org.assertj.core.data.Offset.offset(1e-9));
  }

  @Test
  void shouldGroupSlicesWithoutASeriesBySubject() {
    start();
    Prediction a = Prediction.newBuilder(mild("x", 0, null)).setIdentity(ScanIdentity.newBuilder()
        .setStudyInstanceUid("st").setSeriesInstanceUid("").setSopInstanceUid("sop-a")
        .setPatientKey("pk-42").build()).build();
    Prediction b = Prediction.newBuilder(a).setIdentity(ScanIdentity.newBuilder(a.getIdentity())
        .setSopInstanceUid("sop-b").build()).build();
    pipe(a);
    pipe(b);
    driver.advanceWallClockTime(GAP.plusSeconds(1));
    var out = verdicts.readKeyValue();
    assertThat(out.key).isEqualTo("subject:pk-42");
    assertThat(out.value.getGrouping()).isEqualTo(SeriesGrouping.SUBJECT);
    assertThat(out.value.getSlices()).isEqualTo(2);
  }

  @Test
  void shouldForgetAClosedSeriesAfterTheRetention() {
    start(new VerdictSettings(GAP, Duration.ofMinutes(1), SeriesAggregation.MEAN_PROBABILITY, 3));
    pipe(mild("s11", 0, 1));
    assertThat(verdicts.readValue().getRevision()).isEqualTo(1);
    driver.advanceWallClockTime(Duration.ofMinutes(2));
    // a re-send after the retention is a new series again
    pipe(mild("s11", 0, 1));
    assertThat(verdicts.readValue().getRevision()).isEqualTo(1);
  }

  @Test
  void shouldDeadLetterAnUnreadablePredictionAndCarryOn() {
    start();
    predictions.pipeInput("bad", new byte[] {0, 0, 0, 0, 99, 1, 2});
    pipe(mild("s12", 0, 1));
    assertThat(deadLetters.readValuesToList()).singleElement().satisfies(d -> {
      assertThat(d.getSourceTopic()).isEqualTo(Topics.PREDICTIONS.name());
      assertThat(d.getStage()).isEqualTo("DESERIALIZE");
      assertThat(d.getErrorType()).isEqualTo("PREDICTION_UNREADABLE");
      assertThat(d.getOriginalValue().remaining()).isEqualTo(7);
    });
    assertThat(verdicts.readValuesToList()).hasSize(1);
  }
}
