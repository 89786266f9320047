package io.neurostream.verdict;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.neurostream.avro.ScanEvent;
import io.neurostream.avro.ScanIdentity;
import io.neurostream.avro.SeriesVerdict;
import io.neurostream.avro.VerdictClosure;
import io.neurostream.classifier.ClassifierProcess;
import io.neurostream.classifier.ScanTraffic;
import io.neurostream.classifier.TinyBundles;
import io.neurostream.kafka.Topics;
import io.neurostream.platform.KafkaStack;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Exactly one final verdict per series through hard crashes: 100 series of 16 slices stream in
 * (a tenth of them with one instance re-sent, as a PACS retry does) while the classifier process,
 * which hosts the verdict stage, is killed with SIGKILL three times and restarted each time.
 */
@Timeout(value = 15, unit = TimeUnit.MINUTES)
class VerdictCrashIT {

  static final String APP = "verdict-crash-it";
  static final int SERIES = 100;
  static final int SLICES = 16;
  static final int KILLS = 3;
  @TempDir static Path dir;
  @RegisterExtension static final KafkaStack stack = KafkaStack.withRegistry();
  static Path bundle;
  static final Path LOG = Path.of("target", "it-logs", "verdict-crash-it.log");

  @BeforeAll
  static void start() throws Exception {
    Files.createDirectories(LOG.getParent());
    Files.deleteIfExists(LOG);
    bundle = TinyBundles.write(dir.resolve("verdict-crash-1.bundle"), "verdict-crash-1");
  }

  private ClassifierProcess classifier() throws Exception {
    List<String> args = ClassifierProcess.crashTestArgs(stack, bundle, APP, dir.resolve("state"));
    args.addAll(List.of(
        "--set", "verdict.application.id=" + APP + "-verdict",
        "--set", "verdict.series.gap.ms=4000",
        // explanations are another test's subject; here they would only compete for the CPU
        "--set", "explain.mode=off"));
    return ClassifierProcess.start(LOG, List.of("-Xmx768m"), args);
  }

  private static ScanEvent slice(ScanTraffic traffic, int series, int slice) {
    String sop = "vcrash-" + series + "-" + slice;
    ScanEvent scan = traffic.scan(sop);
    return ScanEvent.newBuilder(scan)
        .setIdentity(ScanIdentity.newBuilder()
            .setStudyInstanceUid("2.25.77" + series)
            .setSeriesInstanceUid("vcrash-series-" + series)
            .setSopInstanceUid(sop)
            .setPatientKey("pk-" + series)
            .build())
        .setSliceIndex(slice)
        .setSliceCount(SLICES)
        .build();
  }

  @Test
  void shouldGiveExactlyOneFinalVerdictPerSeriesWithEverySliceThroughThreeHardKills()
      throws Exception {
    // kill times are random; the seed is printed so a failing run can be repeated exactly
    long seed = Long.getLong("neurostream.test.seed", System.nanoTime());
    System.out.println("VerdictCrashIT seed " + seed + " (repeat with -Dneurostream.test.seed="
        + seed + ")");
    Random random = new Random(seed);
    AtomicInteger sent = new AtomicInteger();
    int total = SERIES * SLICES;
    Semaphore released = new Semaphore(0);
    int part = total / (KILLS + 1);
    try (ScanTraffic traffic = new ScanTraffic(stack)) {
      // given 100 series x 16 slices, series interleaved four at a time, and one slice of every
      // tenth series sent twice
      Thread producer = new Thread(() -> {
        int n = 0;
        for (int group = 0; group < SERIES; group += 4) {
          for (int s = 0; s < SLICES; s++) {
            for (int series = group; series < Math.min(SERIES, group + 4); series++) {
              released.acquireUninterruptibly();
              ScanEvent scan = slice(traffic, series, s);
              traffic.send(scan);
              if (series % 10 == 0 && s == 5) {
                traffic.send(scan);
              }
              sent.incrementAndGet();
              if (++n % 10 == 0) {
                traffic.flush();
                sleep(60);
              }
            }
          }
        }
        traffic.flush();
      }, "scan-producer");
      producer.start();

      // when the classifier (with its verdict stage) is killed hard three times mid-stream
      for (int kill = 1; kill <= KILLS; kill++) {
        released.release(part);
        ClassifierProcess p = classifier();
        p.awaitReady(Duration.ofMinutes(3));
        long wait = 2000 + random.nextInt(4000);
        Thread.sleep(wait);
        System.err.printf("kill %d after %d ms of RUNNING, %d scans sent%n", kill, wait,
            sent.get());
        p.kill();
      }
      released.release(total - KILLS * part);
      producer.join();

      // then, once the last run has folded everything in, each series' highest revision is
      // complete and counts its 16 distinct slices
      try (ClassifierProcess last = classifier()) {
        last.awaitReady(Duration.ofMinutes(3));
        await().atMost(Duration.ofMinutes(6)).pollInterval(Duration.ofSeconds(2))
            .until(() -> finalVerdicts(verdicts()).values().stream()
                .filter(v -> v.getSlices() == SLICES).count() == SERIES);
        assertThat(last.terminate(Duration.ofSeconds(40))).isIn(0, 143);
      }
      List<SeriesVerdict> all = verdicts();
      Map<String, List<SeriesVerdict>> bySeries = all.stream()
          .collect(Collectors.groupingBy(SeriesVerdict::getSeriesInstanceUid));
      assertThat(bySeries).hasSize(SERIES);
      int revisions = 0;
      for (Map.Entry<String, List<SeriesVerdict>> e : bySeries.entrySet()) {
        List<Integer> revs = e.getValue().stream().map(SeriesVerdict::getRevision).sorted()
            .toList();
        // exactly once: revisions 1..n, each emitted once, none lost, none repeated
        List<Integer> expected = new ArrayList<>();
        for (int r = 1; r <= revs.size(); r++) {
          expected.add(r);
        }
        assertThat(revs).as("revisions of %s", e.getKey()).isEqualTo(expected);
        SeriesVerdict last = e.getValue().stream()
            .max(Comparator.comparingInt(SeriesVerdict::getRevision)).orElseThrow();
        assertThat(last.getSlices()).as("slices of %s", e.getKey()).isEqualTo(SLICES);
        assertThat(last.getSlicesExpected()).isEqualTo(SLICES);
        assertThat(last.getClosedBy()).isEqualTo(VerdictClosure.COMPLETE);
        revisions += revs.size();
      }
      System.err.printf("%d series, %d verdicts (%d revisions after the first)%n", SERIES,
          all.size(), revisions - SERIES);
    }
  }

  private static Map<String, SeriesVerdict> finalVerdicts(List<SeriesVerdict> all) {
    Map<String, SeriesVerdict> last = new HashMap<>();
    for (SeriesVerdict v : all) {
      last.merge(v.getSeriesInstanceUid(), v,
          (a, b) -> a.getRevision() >= b.getRevision() ? a : b);
    }
    return last;
  }

  /** Every committed verdict of this test's series. */
  private static List<SeriesVerdict> verdicts() {
    Map<String, Object> props = new HashMap<>(stack.client());
    props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
    Deserializer<SeriesVerdict> values =
        Topics.SERIES_VERDICTS.valueSerde(stack.serdeConfig()).deserializer();
    List<SeriesVerdict> out = new ArrayList<>();
    try (KafkaConsumer<String, byte[]> consumer = new KafkaConsumer<>(props,
        new StringDeserializer(), new org.apache.kafka.common.serialization.ByteArrayDeserializer())) {
      List<TopicPartition> parts = consumer.partitionsFor(Topics.SERIES_VERDICTS.name()).stream()
          .map(p -> new TopicPartition(p.topic(), p.partition())).toList();
      consumer.assign(parts);
      consumer.seekToBeginning(parts);
      Map<TopicPartition, Long> end = consumer.endOffsets(parts);
      while (parts.stream().anyMatch(tp -> consumer.position(tp) < end.get(tp))) {
        for (ConsumerRecord<String, byte[]> r : consumer.poll(Duration.ofMillis(500))) {
          if (r.key() != null && r.key().startsWith("vcrash-series-")) {
            out.add(values.deserialize(r.topic(), r.value()));
          }
        }
      }
    }
    return out;
  }

  private static void sleep(long ms) {
    try {
      Thread.sleep(ms);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
