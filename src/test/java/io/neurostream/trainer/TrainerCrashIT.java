package io.neurostream.trainer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.neurostream.avro.ModelRelease;
import io.neurostream.avro.ReleaseStatus;
import io.neurostream.classifier.ClassifierService;
import io.neurostream.kafka.Topics;
import io.neurostream.platform.KafkaStack;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The trainer killed hard (SIGKILL of its JVM) during training and during publication: no partial
 * release ever reaches a classifier, and a restarted trainer carries on from the topics.
 */
@Timeout(value = 10, unit = TimeUnit.MINUTES)
class TrainerCrashIT {

  @TempDir Path dir;

  @Test
  void shouldLeaveNothingPartialWhenKilledAndCarryOnAfterARestart() throws Exception {
    try (KafkaStack stack = KafkaStack.withRegistry().start()) {
      // given a classifier serving the initial model, and labels waiting for a round
      String initial;
      try (ReleaseOperations ops = new ReleaseOperations(TestStack.trainerConfig(stack, dir.resolve("ops"), Map.of()))) {
        initial = ops.publish(PhantomFixture.copy(PhantomFixture.freshHead(), dir.resolve("initial")),
            ReleaseStatus.PROMOTED, "initial release").getVersion();
      }
      PrometheusMeterRegistry classifierMetrics = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
      List<PhantomScans.Slice> labeled = PhantomScans.slices(3, 120, 3, "lab");
      PhantomScans.sendLabels(stack, labeled, PhantomScans.Slice::stage);
      Path state = dir.resolve("trainer");
      Map<String, String> settings = new HashMap<>();
      settings.put("trainer.min.new.labels", Integer.toString(labeled.size()));
      settings.put("trainer.interval.minutes", "0");
      settings.put("trainer.epochs", "60");
      settings.put("trainer.patience", "12");
      settings.put("trainer.learning.rate", "0.01");
      settings.put("trainer.promotion.min.improvement", "0.02");
      // the untrained head finds one class by chance; losing that chance hit is progress
      settings.put("trainer.promotion.max.recall.drop", "0.5");
      settings.put("trainer.device", "cpu");

      try (ClassifierService classifier = Classifiers.start(stack, dir.resolve("classifier"), "a", classifierMetrics);
          Classifiers.VersionWatch served = new Classifiers.VersionWatch(classifier)) {

        // when the trainer is killed while it trains
        try (ChildTrainer first = ChildTrainer.start("trainer-1", stack, state, settings)) {
          first.awaitLine("epoch 2/\\d+", Duration.ofMinutes(3));
          first.kill();
        }

        // then no release appeared and the classifier still serves the initial model
        assertThat(history(stack).records()).extracting(ModelRelease::getVersion).containsExactly(initial);
        assertThat(classifier.modelVersion()).hasValue(initial);

        // when a restarted trainer is killed while it publishes (paced, so the kill lands inside)
        Map<String, String> paced = new HashMap<>(settings);
        paced.put("trainer.artifact.chunk.bytes", "65536");
        paced.put("trainer.publish.max.bytes.per.second", "1000000");
        String interrupted;
        int chunksAnnounced;
        try (ChildTrainer second = ChildTrainer.start("trainer-2", stack, state, paced)) {
          Matcher m = second.awaitLine("release (\\S+): publishing (\\d+) chunks", Duration.ofMinutes(3));
          interrupted = m.group(1);
          chunksAnnounced = Integer.parseInt(m.group(2));
          await().atMost(Duration.ofSeconds(20)).until(() -> chunks(stack, interrupted, "read_uncommitted") > 0);
          second.kill();
        }

        // then chunks of that release are in the log but invisible to read_committed readers, and
        // no release record or model came of them
        int written = chunks(stack, interrupted, "read_uncommitted");
        System.out.printf(Locale.ROOT, "[trainer-it] killed during publication of %s after %d of %d "
            + "chunks%n", interrupted, written, chunksAnnounced);
        assertThat(written).isPositive();
        assertThat(chunks(stack, interrupted, "read_committed")).isZero();
        assertThat(history(stack).records()).extracting(ModelRelease::getVersion).containsExactly(initial);
        assertThat(classifier.modelVersion()).hasValue(initial);

        // when the trainer starts once more and is left alone
        ModelRelease release;
        try (ChildTrainer third = ChildTrainer.start("trainer-3", stack, state, settings)) {
          List<ModelRelease> records = new ArrayList<>();
          await().atMost(Duration.ofMinutes(4)).pollInterval(Duration.ofSeconds(2)).until(() -> {
            records.clear();
            records.addAll(history(stack).records());
            return records.size() > 1;
          });
          release = records.get(1);
          // then it carries on: a round on the same labels, decided and published whole
          System.out.printf(Locale.ROOT, "[trainer-it] after two kills: %s %s in %s s; %s%n",
              release.getVersion(), release.getStatus(),
              release.getTrainingProvenance().get("trainer.round.seconds"), release.getReason());
          assertThat(release.getVersion()).isNotEqualTo(interrupted);
          assertThat(release.getTrainingProvenance()).containsEntry("trainer.labels.total",
              Integer.toString(labeled.size()));
          assertThat(third.logged("backbone features: 0 to compute")).isPresent();
          if (release.getStatus() == ReleaseStatus.PROMOTED) {
            await().atMost(Duration.ofSeconds(60)).until(
                () -> classifier.modelVersion().filter(release.getVersion()::equals).isPresent());
          }
          // and what the killed publication left behind was aborted, never to be read
          assertThat(chunks(stack, interrupted, "read_committed")).isZero();
        }

        // and the classifier only ever served complete releases, refusing none
        assertThat(served.seen).isSubsetOf(initial, release.getVersion());
        assertThat(Classifiers.refused(classifierMetrics)).isZero();
      }
    }
  }

  private static ReleaseHistory history(KafkaStack stack) {
    return ReleaseHistory.read(Topics.MODEL_RELEASES.name(), stack.client(),
        Topics.MODEL_RELEASES.valueSerde(stack.serdeConfig()).deserializer(), Duration.ofSeconds(30));
  }

  /** Chunk records of {@code version} on the artifacts topic, as a reader at {@code isolation} sees them. */
  private static int chunks(KafkaStack stack, String version, String isolation) {
    Map<String, Object> props = new HashMap<>(stack.client());
    props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, isolation);
    props.put(ConsumerConfig.CLIENT_ID_CONFIG, "it-chunks-" + UUID.randomUUID());
    props.put(ConsumerConfig.MAX_PARTITION_FETCH_BYTES_CONFIG, 16 << 20);
    int n = 0;
    try (KafkaConsumer<String, byte[]> c =
        new KafkaConsumer<>(props, new StringDeserializer(), new ByteArrayDeserializer())) {
      List<TopicPartition> tps = new ArrayList<>();
      c.partitionsFor(Topics.MODEL_ARTIFACTS.name()).forEach(i -> tps.add(new TopicPartition(i.topic(), i.partition())));
      c.assign(tps);
      c.seekToBeginning(tps);
      Map<TopicPartition, Long> end = c.endOffsets(tps);
      long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
      while (tps.stream().anyMatch(tp -> c.position(tp) < end.get(tp)) && System.nanoTime() < deadline) {
        for (ConsumerRecord<String, byte[]> r : c.poll(Duration.ofMillis(200))) {
          if (version.equals(r.key())) {
            n++;
          }
        }
      }
    }
    return n;
  }
}
