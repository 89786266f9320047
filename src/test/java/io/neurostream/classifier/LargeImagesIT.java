package io.neurostream.classifier;

import static org.assertj.core.api.Assertions.assertThat;

import io.neurostream.avro.DeadLetter;
import io.neurostream.avro.ImageEncoding;
import io.neurostream.avro.Prediction;
import io.neurostream.imaging.LargePngs;
import io.neurostream.platform.KafkaStack;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 13 B: 48 valid 4096 x 4096 16-bit RGBA PNGs against a classifier with the container's heap
 * ({@code -Xmx1536m -XX:+ExitOnOutOfMemoryError}, as the Dockerfile runs it): every scan is
 * predicted or dead-lettered with a reason, the process never dies, and the heap peak (sampled from
 * {@code /metrics} every 200 ms) is printed.
 */
@Timeout(value = 15, unit = TimeUnit.MINUTES)
class LargeImagesIT {

  static final int SCANS = 48;
  static final String APP = "large-images-it";
  static final Path LOG = Path.of("target", "it-logs", "large-images-it.log");
  static final Pattern HEAP = Pattern.compile(
      "jvm_memory_used_bytes\\{area=\"heap\",id=\"[^\"]+\"} ([0-9.E+]+)");

  @RegisterExtension static final KafkaStack stack = KafkaStack.withRegistry();
  @TempDir static Path dir;

  @Test
  void shouldPredictOrDeadLetterEveryLargeImageWithinTheContainersHeap() throws Exception {
    Files.createDirectories(LOG.getParent());
    Files.deleteIfExists(LOG);
    Path bundle = TinyBundles.write(dir.resolve("large-1.bundle"), "large-1");
    // four distinct images, each sent 12 times under its own SOP Instance UID
    List<byte[]> pngs = List.of(LargePngs.rgba16(4096, 4096, 1), LargePngs.rgba16(4096, 4096, 2),
        LargePngs.rgba16(4096, 4096, 3), LargePngs.rgba16(4096, 4096, 4));
    System.err.printf("PNG sizes: %d, %d, %d, %d bytes%n", pngs.get(0).length,
        pngs.get(1).length, pngs.get(2).length, pngs.get(3).length);

    try (ScanTraffic traffic = new ScanTraffic(stack);
        ClassifierProcess p = ClassifierProcess.start(LOG,
            List.of("-Xmx1536m", "-XX:+ExitOnOutOfMemoryError"), List.of(
                "--bootstrap", stack.bootstrap(),
                "--registry", stack.registryUrl(),
                "--model", bundle.toString(),
                "--application-id", APP,
                "--state-dir", dir.resolve("state").toString()))) {
      p.awaitReady(Duration.ofMinutes(3));
      long pid = p.pid();
      AtomicLong peak = new AtomicLong();
      AtomicBoolean sampling = new AtomicBoolean(true);
      Thread sampler = new Thread(() -> {
        while (sampling.get()) {
          try {
            Matcher m = HEAP.matcher(p.metrics());
            long used = 0;
            while (m.find()) {
              used += (long) Double.parseDouble(m.group(1));
            }
            peak.accumulateAndGet(used, Math::max);
            Thread.sleep(200);
          } catch (InterruptedException e) {
            return;
          } catch (Exception e) {
            // the endpoint may be busy for a moment; the next sample counts
          }
        }
      }, "heap-sampler");
      sampler.start();

      // when 48 valid 4096 x 4096 16-bit PNGs arrive at once
      for (int i = 0; i < SCANS; i++) {
        traffic.send(ClassifierScans.scan("large-" + i, ImageEncoding.PNG, 4096, 4096,
            pngs.get(i % pngs.size())));
      }
      traffic.flush();
      traffic.awaitConsumed(APP, Duration.ofMinutes(10));
      sampling.set(false);
      sampler.join();

      // then each one is predicted or dead-lettered with a reason, by the same process
      List<ConsumerRecord<String, Prediction>> predicted =
          traffic.predictions(k -> k.startsWith("large-"));
      List<ConsumerRecord<String, DeadLetter>> dead = traffic.deadLetters(k -> k.startsWith("large-"));
      System.err.printf("%d predicted, %d dead-lettered; heap peak %.0f MiB of 1536 MiB%n",
          predicted.size(), dead.size(), peak.get() / 1048576.0);
      assertThat(p.awaitExit(Duration.ZERO)).as("the classifier is still running").isEmpty();
      assertThat(p.pid()).isEqualTo(pid);
      assertThat(predicted.size() + dead.size()).isEqualTo(SCANS);
      assertThat(dead).allSatisfy(d -> assertThat(d.value().getErrorMessage()).isNotBlank());
      assertThat(predicted.stream().map(ConsumerRecord::key).distinct()).hasSize(predicted.size());
      assertThat(Files.readString(LOG)).doesNotContain("OutOfMemoryError");
      assertThat(peak.get()).as("heap samples taken").isPositive();
    }
  }
}
