package io.neurostream.classifier;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.neurostream.avro.Prediction;
import io.neurostream.kafka.Topics;
import io.neurostream.platform.KafkaStack;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.utils.Utils;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 13 D: two classifiers share the scans' partitions as static members. A SIGTERM to one
 * makes it leave the group, so the other takes its partitions at once rather than after
 * {@code session.timeout.ms} (45 s); the figure printed is SIGTERM to the survivor's first
 * prediction on a moved partition. Then a member killed hard and restarted under the same
 * {@code group.instance.id} within the session timeout takes its partitions back without any
 * rebalance: the survivor's Kafka Streams never leaves RUNNING.
 */
@Timeout(value = 12, unit = TimeUnit.MINUTES)
class TakeoverIT {

  static final String APP = "takeover-it";
  @RegisterExtension static final KafkaStack stack = KafkaStack.withRegistry();
  @TempDir static Path dir;

  private ClassifierProcess start(String name, Path bundle) throws Exception {
    Path log = Path.of("target", "it-logs", "takeover-it-" + name + ".log");
    List<String> jvm = new java.util.ArrayList<>(List.of("-Xmx768m"));
    if (System.getProperty("takeover.logback") != null) {
      jvm.add("-Dlogback.configurationFile=" + System.getProperty("takeover.logback"));
    }
    return ClassifierProcess.start(log, jvm, List.of(
        "--bootstrap", stack.bootstrap(), "--registry", stack.registryUrl(),
        "--model", bundle.toString(), "--application-id", APP,
        "--state-dir", dir.resolve("state-" + name).toString(),
        "--set", "main.consumer.group.instance.id=" + APP + "-" + name,
        // a restart must come back within the session timeout to resume without a rebalance; a
        // child JVM on a busy 2-core machine may take longer than the default 45 s to start
        "--set", "main.consumer.session.timeout.ms=120000",
        "--set", "inference.max.ms.per.image=200",
        // the classifier alone: its rebalances are the ones counted below
        "--set", "verdict.enabled=false"));
  }

  private static int partition(String key) {
    return Utils.toPositive(Utils.murmur2(key.getBytes(StandardCharsets.UTF_8)))
        % Topics.SCANS.partitions();
  }

  private static long rebalances(String name) throws Exception {
    Path log = Path.of("target", "it-logs", "takeover-it-" + name + ".log");
    return Files.readAllLines(log).stream().filter(l -> l.contains("kafka streams state RUNNING -> REBALANCING")).count();
  }

  @Test
  void shouldHandOverPartitionsOnSigtermBeforeTheSessionTimeoutAndResumeAStaticMember()
      throws Exception {
    Files.createDirectories(Path.of("target", "it-logs"));
    for (String n : List.of("a", "b", "a2")) {
      Files.deleteIfExists(Path.of("target", "it-logs", "takeover-it-" + n + ".log"));
    }
    Path bundleA = TinyBundles.write(dir.resolve("take-a.bundle"), "take-a");
    Path bundleB = TinyBundles.write(dir.resolve("take-b.bundle"), "take-b");
    AtomicBoolean producing = new AtomicBoolean(true);
    AtomicInteger sent = new AtomicInteger();
    try (ScanTraffic traffic = new ScanTraffic(stack);
        ClassifierProcess a = start("a", bundleA);
        ClassifierProcess b = start("b", bundleB)) {
      a.awaitReady(Duration.ofMinutes(3));
      b.awaitReady(Duration.ofMinutes(3));
      Thread producer = new Thread(() -> {
        while (producing.get()) {
          traffic.send(traffic.scan("take-" + sent.getAndIncrement()));
          traffic.flush();
          try {
            Thread.sleep(25);
          } catch (InterruptedException e) {
            return;
          }
        }
      }, "scan-producer");
      producer.start();

      // given both serve: learn which partitions each one owns from what it predicts
      await().atMost(Duration.ofMinutes(3)).until(() -> {
        List<ConsumerRecord<String, Prediction>> p = traffic.predictions(k -> k.startsWith("take-"));
        return p.stream().map(r -> r.value().getModelVersion()).distinct().count() == 2;
      });
      Set<Integer> ofA = traffic.predictions(k -> k.startsWith("take-")).stream()
          .filter(r -> r.value().getModelVersion().equals("take-a"))
          .map(r -> partition(r.key())).collect(Collectors.toSet());
      assertThat(ofA).isNotEmpty();

      // when A gets SIGTERM mid-stream
      long sigterm = System.currentTimeMillis();
      assertThat(a.terminate(Duration.ofSeconds(40))).isIn(0, 143);

      // then B predicts on A's partitions within seconds, not after the 45 s session timeout
      await().atMost(Duration.ofSeconds(60)).until(() -> firstTakeover(traffic, ofA, sigterm)
          .isPresent());
      long takeoverMs = firstTakeover(traffic, ofA, sigterm).orElseThrow() - sigterm;
      System.err.printf("takeover: SIGTERM of A to B's first prediction on A's partitions %s: "
          + "%d ms%n", ofA, takeoverMs);
      assertThat(takeoverMs).as("well below session.timeout.ms=45000").isLessThan(45_000);

      // and when A2 (A's static identity) returns, then is killed hard and restarted at once
      try (ClassifierProcess a2 = start("a", bundleA)) {
        a2.awaitReady(Duration.ofMinutes(3));
        await().atMost(Duration.ofMinutes(2)).until(() -> traffic.predictions(k -> k.startsWith("take-"))
            .stream().anyMatch(r -> r.value().getModelVersion().equals("take-a")
                && r.value().getPredictedAt().toEpochMilli() > System.currentTimeMillis() - 5000));
        Thread.sleep(5000); // let the group settle
        long before = rebalances("b");
        a2.kill();
        try (ClassifierProcess a3 = start("a", bundleA)) {
          long killed = System.currentTimeMillis();
          a3.awaitReady(Duration.ofMinutes(3));
          await().atMost(Duration.ofMinutes(2)).until(() -> traffic.predictions(k -> k.startsWith("take-"))
              .stream().anyMatch(r -> r.value().getModelVersion().equals("take-a")
                  && r.value().getPredictedAt().toEpochMilli() > killed));
          long after = rebalances("b");
          System.err.printf("static restart: B rebalanced %d time(s) while A was killed and "
              + "restarted under the same group.instance.id%n", after - before);
          // the coordinator hands the returning static member its cached assignment
          assertThat(after - before).as("B's rebalances during A's restart").isZero();
        }
      } finally {
        producing.set(false);
        producer.join();
      }

      // and nothing was lost or predicted twice
      traffic.awaitConsumed(APP, Duration.ofMinutes(3));
      List<ConsumerRecord<String, Prediction>> all = traffic.predictions(k -> k.startsWith("take-"));
      assertThat(all.stream().map(ConsumerRecord::key).distinct()).hasSize(sent.get());
      assertThat(all).hasSize(sent.get());
    }
  }

  /** When B first predicted a scan on one of {@code partitions} after {@code since}. */
  private static Optional<Long> firstTakeover(ScanTraffic traffic, Set<Integer> partitions,
      long since) {
    return traffic.predictions(k -> k.startsWith("take-")).stream()
        .filter(r -> r.value().getModelVersion().equals("take-b"))
        .filter(r -> partitions.contains(partition(r.key())))
        .map(r -> r.value().getPredictedAt().toEpochMilli())
        .filter(t -> t >= since)
        .min(Long::compare);
  }
}
