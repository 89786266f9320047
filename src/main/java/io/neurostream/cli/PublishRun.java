package io.neurostream.cli;

import io.neurostream.config.Plural;
import io.neurostream.ingest.Progress;
import io.neurostream.ingest.RateLimiter;
import io.neurostream.kafka.Topic;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;
import picocli.CommandLine.Command;

/**
 * The publish loop of the file-publishing commands ({@code ingest}, {@code label}): paces the
 * items to {@code --rate}, turns each into a record only when its turn comes, sends it, draws a
 * progress line, and tallies what was sent, skipped and not acknowledged.
 *
 * <p>Each item is prepared lazily, after the rate limiter, so a slow {@code --rate} also paces the
 * file reads. A {@link Preparation} that throws stops the whole run (e.g. DICOM without a salt);
 * an item that merely cannot be used is a {@link Skip}, listed at the end and turned into exit
 * code {@link #PARTIAL}.
 *
 * <pre>{@code
 * PublishRun<Item, ScanEvent> run = new PublishRun<>("ingest", Topics.SCANS, rate, err);
 * PublishRun.Tally tally;
 * try (KafkaProducer<String, ScanEvent> producer = ...) {
 *   tally = run.publish(items, producer, item -> PublishRun.send(uid, scan));
 * }
 * tally.printSkipped(err);
 * out.println(tally.summary("scan"));
 * return tally.exitCode();
 * }</pre>
 *
 * @param <I> what the command lists (e.g. a file)
 * @param <V> the record value type of the topic
 */
public final class PublishRun<I, V> {

  /** Exit code when the run finished but some items were skipped or not acknowledged. */
  public static final int PARTIAL = 3;

  /** At most this many skipped items are listed; the rest are counted. */
  static final int SKIPPED_LISTED = 20;

  /**
   * The exit codes every publishing command documents, as a picocli mixin so that the help of
   * each command lists them from one place: {@code @Mixin PublishRun.ExitCodes exitCodes;}.
   */
  @Command(
      exitCodeListHeading = "%nExit codes:%n",
      exitCodeList = {"0:all files sent", "1:failed", "2:bad arguments",
          "3:some files were skipped or not acknowledged (listed on stderr)"})
  public static final class ExitCodes {}

  /** What one item becomes: a record to send or a reason to skip it. */
  public sealed interface Step<V> permits Send, Skip {}

  /** Send {@code value} keyed by {@code key} (the scan's SOP Instance UID). */
  public record Send<V>(String key, V value) implements Step<V> {}

  /** Do not send; {@code line} is what the skipped list shows (file and reason). */
  public record Skip<V>(String line) implements Step<V> {}

  /** Turns an item into its {@link Step}; throwing stops the whole run. */
  @FunctionalInterface
  public interface Preparation<I, V> {
    Step<V> prepare(I item) throws Exception;
  }

  /**
   * The outcome of a run, read after the producer has flushed (so every callback has reported).
   *
   * @param command the command name, the prefix of the summary line
   * @param topic the topic name the records went to
   * @param sent records handed to the producer
   * @param failed of those, how many the broker did not acknowledge
   * @param firstFailure the message of the first failure (null if none)
   * @param skipped one line per skipped item, in order
   */
  public record Tally(String command, String topic, int sent, int failed, String firstFailure,
      List<String> skipped) {

    /** Freezes the skipped list. */
    public Tally {
      skipped = List.copyOf(skipped);
    }

    /** Records the broker acknowledged. */
    public int published() {
      return sent - failed;
    }

    /** 0 when everything was sent and acknowledged, else {@link #PARTIAL}. */
    public int exitCode() {
      return skipped.isEmpty() && failed == 0 ? 0 : PARTIAL;
    }

    /**
     * {@code "ingest: 12 scans published to mri.scans, 1 file skipped"}.
     *
     * @param noun what a record is, in the singular ({@code "scan"})
     */
    public String summary(String noun) {
      return String.format("%s: %s published to %s, %s skipped", command, Plural.of(published(), noun),
          topic, Plural.of(skipped.size(), "file"));
    }

    /** {@code ", 2 not acknowledged (reason)"} when some sends failed, else empty. */
    public String failureNote() {
      return failed == 0 ? "" : ", " + failed + " not acknowledged (" + firstFailure + ")";
    }

    /** Lists the first skipped items (and how many more) on {@code err}. */
    public void printSkipped(PrintWriter err) {
      PrintStreamLines.print(err, skipped, SKIPPED_LISTED);
    }
  }

  private final String command;
  private final Topic<String, V> topic;
  private final double rate;
  private final PrintWriter progressSink;

  /**
   * @param command the command name, shown on the progress line and the summary
   * @param topic where the records go
   * @param rate items per second at most (0 = as fast as possible)
   * @param progressSink where the progress line is drawn (stderr)
   */
  public PublishRun(String command, Topic<String, V> topic, double rate, PrintWriter progressSink) {
    this.command = Objects.requireNonNull(command, "command");
    this.topic = Objects.requireNonNull(topic, "topic");
    this.rate = rate;
    this.progressSink = Objects.requireNonNull(progressSink, "progressSink");
  }

  /** A step that sends {@code value} keyed by {@code key}. */
  public static <V> Step<V> send(String key, V value) {
    return new Send<>(key, value);
  }

  /** A step that skips the item; {@code line} names the file and the reason. */
  public static <V> Step<V> skip(String line) {
    return new Skip<>(line);
  }

  /**
   * Publishes {@code items} through {@code producer} and flushes it. The caller owns (and closes)
   * the producer.
   *
   * @throws Exception whatever {@code prepare} or the producer throws; the run stops there
   */
  public Tally publish(List<I> items, Producer<String, V> producer, Preparation<I, V> prepare)
      throws Exception {
    List<String> skipped = new ArrayList<>();
    // Callbacks run on the producer's I/O thread.
    AtomicInteger failed = new AtomicInteger();
    AtomicReference<String> firstFailure = new AtomicReference<>();
    int sent = 0;
    Progress progress = new Progress(progressSink, command, items.size());
    RateLimiter limiter = new RateLimiter(rate);
    int done = 0;
    for (I item : items) {
      limiter.acquire();
      Step<V> step = Objects.requireNonNull(prepare.prepare(item), "step");
      if (step instanceof Skip<V> skip) {
        skipped.add(skip.line());
      } else {
        Send<V> record = (Send<V>) step;
        producer.send(new ProducerRecord<>(topic.name(), record.key(), record.value()),
            (meta, error) -> {
              if (error != null) {
                failed.incrementAndGet();
                firstFailure.compareAndSet(null, error.getMessage());
              }
            });
        sent++;
      }
      progress.update(++done);
    }
    // flush() returns only after every send has completed and its callback has run.
    producer.flush();
    return new Tally(command, topic.name(), sent, failed.get(), firstFailure.get(), skipped);
  }
}
