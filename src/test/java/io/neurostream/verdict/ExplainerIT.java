package io.neurostream.verdict;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.neurostream.avro.DementiaStage;
import io.neurostream.avro.Explanation;
import io.neurostream.avro.ReleaseStatus;
import io.neurostream.avro.ScanEvent;
import io.neurostream.avro.ScanIdentity;
import io.neurostream.avro.SeriesAggregation;
import io.neurostream.avro.SeriesGrouping;
import io.neurostream.avro.SeriesVerdict;
import io.neurostream.avro.SupportingSlice;
import io.neurostream.avro.VerdictClosure;
import io.neurostream.classifier.ScanTraffic;
import io.neurostream.classifier.TestReleases;
import io.neurostream.classifier.TinyBundles;
import io.neurostream.config.CommonKeys;
import io.neurostream.config.ConfigSources;
import io.neurostream.config.Configuration;
import io.neurostream.kafka.Topics;
import io.neurostream.platform.KafkaStack;
import java.io.ByteArrayInputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import javax.imageio.ImageIO;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The explainer against a real broker and registry: a verdict names two supporting slices, one
 * of which can be read back from mri.scans; the released model that classified them gives a
 * Grad-CAM map of the verdict class for that one, and the other is counted as not explained.
 */
@Timeout(value = 5, unit = TimeUnit.MINUTES)
class ExplainerIT {

  @RegisterExtension static final KafkaStack stack = KafkaStack.withRegistry();
  @TempDir Path dir;

  @Test
  void shouldPublishTheGradCamOfTheVerdictClassOnTheSupportingSliceItCanRead() throws Exception {
    // given a released model and a scan on mri.scans
    Path bundle = TinyBundles.write(dir.resolve("explain-1.bundle"), "explain-1");
    try (TestReleases releases = new TestReleases(stack)) {
      releases.publish("explain-1", Files.readAllBytes(bundle), ReleaseStatus.PROMOTED);
    }
    RecordMetadata at;
    try (ScanTraffic traffic = new ScanTraffic(stack);
         KafkaProducer<String, byte[]> producer = new KafkaProducer<>(stack.client(),
             new StringSerializer(), new ByteArraySerializer())) {
      ScanEvent scan = traffic.scan("explain-sop-1");
      at = producer.send(new ProducerRecord<>(Topics.SCANS.name(), "explain-sop-1",
          traffic.serialize(scan))).get();
      // and a verdict naming it and a slice whose scan is not where it says
      SeriesVerdict verdict = SeriesVerdict.newBuilder()
          .setStudyInstanceUid("st").setSeriesInstanceUid("explain-series").setPatientKey("pk")
          .setGrouping(SeriesGrouping.SERIES_UID).setSlices(2).setSlicesExpected(2)
          .setProbabilities(Map.of("Non_Demented", 0.1, "Very_Mild_Demented", 0.1,
              "Mild_Demented", 0.7, "Moderate_Demented", 0.1))
          .setVerdict(DementiaStage.Mild_Demented).setConfidence(0.7)
          .setAggregation(SeriesAggregation.MEAN_PROBABILITY)
          .setModelVersions(List.of("explain-1")).setMixedModelVersions(false)
          .setSupportingSlices(List.of(
              SupportingSlice.newBuilder().setSopInstanceUid("explain-sop-1").setProbability(0.8)
                  .setModelVersion("explain-1").setScanPartition(at.partition())
                  .setScanOffset(at.offset()).build(),
              SupportingSlice.newBuilder().setSopInstanceUid("explain-sop-2").setProbability(0.6)
                  .setModelVersion("explain-1").setScanPartition(at.partition())
                  .setScanOffset(at.offset() + 1000).build()))
          .setClosedBy(VerdictClosure.COMPLETE).setRevision(1).setFirstScanAt(Instant.now())
          .setLastPredictedAt(Instant.now()).setClosedAt(Instant.now()).build();
      producer.send(new ProducerRecord<>(Topics.SERIES_VERDICTS.name(), "explain-series",
          Topics.SERIES_VERDICTS.valueSerde(stack.serdeConfig()).serializer()
              .serialize(Topics.SERIES_VERDICTS.name(), verdict))).get();
    }

    // when the explainer runs
    Map<String, String> settings = new HashMap<>(stack.settings(dir.resolve("state")));
    settings.put(VerdictKeys.APPLICATION_ID.name(), "explainer-it");
    VerdictConfig config = VerdictConfig.from(Configuration.load(ConfigSources.builder()
        .optEnv(Map.of()).optOverrides(settings).build(), new CommonKeys(), new VerdictKeys()));
    SimpleMeterRegistry meters = new SimpleMeterRegistry();
    try (Explainer explainer = Explainer.start(config, ExplainMode.VERDICT, meters).orElseThrow()) {
      // then one explanation, of the readable slice, for the verdict class, by that model
      List<Explanation> out = new ArrayList<>();
      await().atMost(Duration.ofMinutes(2)).until(() -> {
        out.clear();
        out.addAll(explanations());
        return !out.isEmpty() && meters.find("neurostream_explanations_failed_total")
            .counter() != null;
      });
      assertThat(out).singleElement().satisfies(e -> {
        assertThat(e.getSopInstanceUid()).isEqualTo("explain-sop-1");
        assertThat(e.getSeriesInstanceUid()).isEqualTo("explain-series");
        assertThat(e.getExplainedClass()).isEqualTo(DementiaStage.Mild_Demented);
        assertThat(e.getModelVersion()).isEqualTo("explain-1");
        assertThat(e.getVerdictRevision()).isEqualTo(1);
        assertThat(e.getGrid()).hasSize(e.getGridWidth() * e.getGridHeight());
        assertThat(e.getGrid()).allSatisfy(v -> assertThat(v).isBetween(0f, 1f));
        byte[] png = new byte[e.getOverlayPng().remaining()];
        e.getOverlayPng().duplicate().get(png);
        try {
          assertThat(ImageIO.read(new ByteArrayInputStream(png)).getWidth())
              .isEqualTo(Explainer.OVERLAY_SIZE);
        } catch (java.io.IOException ex) {
          throw new AssertionError(ex);
        }
      });
      assertThat(meters.find("neurostream_explanations_failed_total").tag("reason", "SCAN_GONE")
          .counter().count()).isEqualTo(1.0);
    }
  }

  private static List<Explanation> explanations() {
    Map<String, Object> props = new HashMap<>(stack.client());
    props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
    var values = Topics.EXPLANATIONS.valueSerde(stack.serdeConfig()).deserializer();
    List<Explanation> out = new ArrayList<>();
    try (KafkaConsumer<String, byte[]> consumer = new KafkaConsumer<>(props,
        new StringDeserializer(), new ByteArrayDeserializer())) {
      List<TopicPartition> parts = consumer.partitionsFor(Topics.EXPLANATIONS.name()).stream()
          .map(p -> new TopicPartition(p.topic(), p.partition())).toList();
      consumer.assign(parts);
      consumer.seekToBeginning(parts);
      Map<TopicPartition, Long> end = consumer.endOffsets(parts);
      while (parts.stream().anyMatch(tp -> consumer.position(tp) < end.get(tp))) {
        for (ConsumerRecord<String, byte[]> r : consumer.poll(Duration.ofMillis(300))) {
          out.add(values.deserialize(r.topic(), r.value()));
        }
      }
    }
    return out;
  }
}
