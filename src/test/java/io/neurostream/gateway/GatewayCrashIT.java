package io.neurostream.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import io.neurostream.avro.Prediction;
import io.neurostream.classifier.ClassifierService;
import io.neurostream.classifier.ScanTraffic;
import io.neurostream.imaging.TransferSyntax;
import io.neurostream.kafka.Topics;
import io.neurostream.platform.KafkaStack;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * A 200 never loses an instance, and a retry is never counted twice: the gateway runs in a child
 * JVM and is killed with SIGKILL at three random moments while a retrying client streams 1,000
 * instances (10 per request) through it, and is restarted each time. In the end every instance
 * the gateway listed as stored has exactly one prediction, although the client re-sent what it
 * had no answer for (the classifier's intake drops the copies Kafka already had).
 */
@Timeout(value = 12, unit = TimeUnit.MINUTES)
class GatewayCrashIT {

  static final int INSTANCES = 1000;
  static final int PER_REQUEST = 10;
  static final int KILLS = 3;
  static final Path LOG = Path.of("target", "it-logs", "gateway-crash-it.log");
  @TempDir static Path dir;
  @RegisterExtension static final KafkaStack stack = KafkaStack.withRegistry();

  @Test
  void shouldGiveEveryStoredInstanceExactlyOnePredictionThroughThreeHardKills() throws Exception {
    long seed = Long.getLong("neurostream.test.seed", System.nanoTime());
    System.out.println("GatewayCrashIT seed=" + seed);
    Random random = new Random(seed);
    Files.createDirectories(LOG.getParent());
    Files.deleteIfExists(LOG);
    TestInstances series = new TestInstances("crash-" + seed, seed);
    int port = OrthancProcess.freePort();
    Set<String> stored = ConcurrentHashMap.newKeySet();
    AtomicInteger resent = new AtomicInteger();
    AtomicInteger requests = new AtomicInteger();
    Map<Integer, byte[]> bytes = new ConcurrentHashMap<>();
    GatewayProcess[] gateway = {GatewayProcess.start(LOG, port, stack.bootstrap(),
        stack.registryUrl())};
    try (ClassifierService classifier = TestClassifier.start(stack, dir);
        ScanTraffic traffic = new ScanTraffic(stack)) {
      // given a client that re-sends every instance it has no "stored" answer for
      Thread client = new Thread(() -> {
        StowClient stow = new StowClient(port, null);
        for (int first = 0; first < INSTANCES; first += PER_REQUEST) {
          List<Integer> pending = new ArrayList<>();
          for (int i = first; i < Math.min(INSTANCES, first + PER_REQUEST); i++) {
            pending.add(i);
          }
          boolean firstTry = true;
          while (!pending.isEmpty()) {
            if (!firstTry) {
              resent.addAndGet(pending.size());
              sleep(200);
            }
            firstTry = false;
            // a re-send is the same instance, byte for byte, as a router's retry is
            List<byte[]> body = pending.stream().map(i -> bytes.computeIfAbsent(i,
                n -> series.instance(n, INSTANCES, 32, TransferSyntax.EXPLICIT_VR_LITTLE_ENDIAN)))
                .toList();
            try {
              requests.incrementAndGet();
              StowClient.Answer a = stow.store(body);
              stored.addAll(a.stored());
              pending.removeIf(i -> a.stored().contains(series.sop(i)));
            } catch (IOException e) {
              // the gateway died mid-request: no answer, so everything is sent again
            } catch (InterruptedException e) {
              return;
            }
          }
        }
      }, "stow-client");
      client.start();

      // when the gateway is killed hard at three random moments and restarted each time
      for (int k = 0; k < KILLS; k++) {
        Thread.sleep(2000 + random.nextInt(4000));
        gateway[0].kill();
        System.out.println("GatewayCrashIT: killed the gateway with SIGKILL after "
            + stored.size() + " stored instances");
        gateway[0] = GatewayProcess.start(LOG, port, stack.bootstrap(), stack.registryUrl());
      }
      client.join(TimeUnit.MINUTES.toMillis(6));
      assertThat(client.isAlive()).as("the client finished sending").isFalse();

      // then every stored instance has exactly one prediction
      assertThat(stored).hasSize(INSTANCES);
      traffic.awaitConsumed(TestClassifier.APP, Duration.ofMinutes(4));
      List<ConsumerRecord<String, Prediction>> predictions = traffic.predictions(stored::contains);
      Map<String, Long> perInstance = predictions.stream()
          .collect(Collectors.groupingBy(ConsumerRecord::key, Collectors.counting()));
      assertThat(perInstance.keySet()).containsExactlyInAnyOrderElementsOf(stored);
      assertThat(perInstance.values()).containsOnly(1L);
      long scanRecords = TopicRecords.all(stack, Topics.SCANS).stream()
          .filter(r -> stored.contains(r.key())).count();
      System.out.printf("GatewayCrashIT: %d instances, %d requests, %d instances re-sent, %d scan "
              + "records on mri.scans (%d copies dropped at intake), %d predictions%n",
          INSTANCES, requests.get(), resent.get(), scanRecords, scanRecords - INSTANCES,
          predictions.size());
    } finally {
      gateway[0].close();
    }
  }

  private static void sleep(long ms) {
    try {
      Thread.sleep(ms);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
