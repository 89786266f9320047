package io.neurostream.kafka;

import io.neurostream.ops.Faults;
import io.neurostream.ops.Watchdog;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.Deserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads a whole topic from its beginning on a background thread and keeps following it, handing
 * every poll to a {@link Handler}. No consumer group and no committed offsets: the topic is the
 * source of truth and is read whole at every start, {@code read_committed}, so every instance
 * sees every record. Values arrive as bytes so the handler decides what an unreadable record
 * means (skip it, count it, retry it).
 *
 * <p>The follower reports once when it has read up to the end the topic had when reading started
 * ({@link Handler#onCaughtUp}), so a restarted service can resume from what the topic says before
 * serving. {@link #close()} stops the thread within a poll.
 *
 * <p>Failures of its own Kafka calls that may pass ({@link Faults#isTransient}: the broker
 * unreachable, a timeout, a leader moving) are retried with back-off for as long as they last,
 * reported to the {@link Watchdog.Part} given to {@link #watchedBy}; only a permanent failure stops
 * the follower ({@link Handler#onFailure}), and that part then stays blocked so {@code /live}
 * fails once the deadline passes.
 *
 * @param <K> the record key type
 */
public final class TopicFollower<K> implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(TopicFollower.class);
  /** Short polls while catching up, so reaching the end is noticed quickly. */
  private static final Duration CATCH_UP_POLL = Duration.ofMillis(200);
  private static final Duration FOLLOW_POLL = Duration.ofMillis(500);
  /** Before the topic exists (topics not created yet); long enough not to flood the log. */
  private static final Duration MISSING_TOPIC_RETRY = Duration.ofSeconds(2);
  /** Bounds close(): a handler stuck in I/O must not hold the service's shutdown forever. */
  private static final Duration JOIN_TIMEOUT = Duration.ofSeconds(10);
  /** Back-off after a transient failure of the follower's own Kafka calls: first and cap. */
  private static final Duration TRANSIENT_FIRST = Duration.ofMillis(500);
  private static final Duration TRANSIENT_MAX = Duration.ofSeconds(10);

  /** What a follower does with what it reads; every call comes from the following thread. */
  public interface Handler<K> {

    /**
     * Handles one poll's records (possibly none). The consumer may be used to seek back, e.g. to
     * retry a record later.
     *
     * @param caughtUp whether {@link #onCaughtUp} has been called already
     */
    void onRecords(Consumer<K, byte[]> consumer, ConsumerRecords<K, byte[]> records, boolean caughtUp);

    /**
     * Called once, when every partition has been read up to the end it had when reading started;
     * {@link TopicFollower#awaitCaughtUp} returns after this returns.
     */
    void onCaughtUp(Consumer<K, byte[]> consumer, List<TopicPartition> partitions);

    /** Called when following stops on an error (not on {@link TopicFollower#close()}). */
    void onFailure(RuntimeException e);
  }

  private final String topic;
  private final Map<String, Object> clientConfig;
  private final Deserializer<K> keyDeserializer;
  private final String clientIdPrefix;
  private final Handler<K> handler;
  private final CountDownLatch caughtUp = new CountDownLatch(1);
  private final CountDownLatch closing = new CountDownLatch(1);
  private volatile Watchdog.Part part;
  private volatile boolean running = true;
  private volatile Consumer<K, byte[]> consumer;
  private volatile RuntimeException failure;
  private Thread thread;

  /**
   * A follower that has not started yet.
   *
   * @param clientConfig Kafka client properties (bootstrap servers, security, tuning); a group id
   *     is dropped, isolation and auto-commit are set here
   * @param clientIdPrefix the consumer's client id is this plus a random suffix
   */
  public TopicFollower(String topic, Map<String, Object> clientConfig,
      Deserializer<K> keyDeserializer, String clientIdPrefix, Handler<K> handler) {
    this.topic = topic;
    this.clientConfig = Map.copyOf(clientConfig);
    this.keyDeserializer = keyDeserializer;
    this.clientIdPrefix = clientIdPrefix;
    this.handler = handler;
  }

  /**
   * Reports to {@code part} while the follower's own Kafka calls fail (and for good once it has
   * stopped on a permanent failure); call before {@link #start}.
   */
  public TopicFollower<K> watchedBy(Watchdog.Part part) {
    this.part = part;
    return this;
  }

  /** Starts following on a daemon thread called {@code threadName}. */
  public TopicFollower<K> start(String threadName) {
    thread = new Thread(this::run, threadName);
    thread.setDaemon(true);
    thread.start();
    return this;
  }

  /**
   * Waits until the follower has caught up, or has stopped (then {@link #failure()} says why).
   *
   * @return false if neither happened within {@code timeout}
   */
  public boolean awaitCaughtUp(Duration timeout) throws InterruptedException {
    return caughtUp.await(timeout.toMillis(), TimeUnit.MILLISECONDS);
  }

  /** Whether the follower has caught up once, or has stopped. */
  public boolean caughtUp() {
    return caughtUp.getCount() == 0;
  }

  /** Whether the following thread is running. */
  public boolean alive() {
    return thread != null && thread.isAlive();
  }

  /** Why following stopped, if it stopped on an error. */
  public Optional<RuntimeException> failure() {
    return Optional.ofNullable(failure);
  }

  /**
   * Waits on the following thread, e.g. before a record is retried; {@link #close()} ends the
   * wait at once. Keeps the thread's interrupt status, which the next poll then reports.
   */
  public void backOff(Duration d) {
    try {
      closing.await(d.toMillis(), TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private void run() {
    Map<String, Object> props = KafkaClients.readCommitted(clientConfig, clientIdPrefix);
    // no group: every instance reads every record, and nothing is committed to resume from
    props.remove(ConsumerConfig.GROUP_ID_CONFIG);
    try (KafkaConsumer<K, byte[]> c =
        new KafkaConsumer<>(props, keyDeserializer, new ByteArrayDeserializer())) {
      consumer = c;
      List<TopicPartition> partitions = retrying(() -> partitions(c), "find the partitions of");
      if (!running) {
        return;
      }
      c.assign(partitions);
      c.seekToBeginning(partitions);
      Map<TopicPartition, Long> end = retrying(() -> c.endOffsets(partitions), "read the end of");
      boolean reported = false;
      int failures = 0;
      while (running) {
        ConsumerRecords<K, byte[]> records;
        try {
          if (!reported && reached(c, end)) {
            reported = true;
            handler.onCaughtUp(c, partitions);
            caughtUp.countDown();
          }
          records = c.poll(reported ? FOLLOW_POLL : CATCH_UP_POLL);
        } catch (RuntimeException e) {
          if (!running || !Faults.isTransient(e)) {
            throw e;
          }
          stalled("follow", e, ++failures);
          continue;
        }
        if (failures > 0) {
          failures = 0;
          recovered();
        }
        handler.onRecords(c, records, reported);
      }
    } catch (WakeupException e) {
      // close() wakes the consumer on purpose; anyone else doing so is a bug worth reporting
      if (running) {
        fail(e);
      }
    } catch (RuntimeException e) {
      if (running) {
        fail(e);
      }
    } finally {
      // waiters must not block on a follower that will never catch up
      caughtUp.countDown();
    }
  }

  /** Runs a call of the follower's own, retrying it for as long as it fails transiently. */
  private <T> T retrying(java.util.function.Supplier<T> call, String what) {
    int failures = 0;
    while (true) {
      try {
        T result = call.get();
        if (failures > 0) {
          recovered();
        }
        return result;
      } catch (RuntimeException e) {
        if (!running || !Faults.isTransient(e)) {
          throw e;
        }
        stalled(what, e, ++failures);
      }
    }
  }

  private void stalled(String what, RuntimeException e, int failures) {
    long wait = Math.min(TRANSIENT_MAX.toMillis(),
        TRANSIENT_FIRST.toMillis() << Math.min(10, failures - 1));
    String reason = "cannot " + what + " " + topic + ": " + e;
    Watchdog.Part p = part;
    if (p != null) {
      p.blocked(reason);
    }
    LOG.warn("{}; retrying in {} ms (attempt {})", reason, wait, failures);
    backOff(Duration.ofMillis(wait));
  }

  private void recovered() {
    Watchdog.Part p = part;
    if (p != null) {
      p.progressed();
    }
    LOG.info("following {} again", topic);
  }

  private void fail(RuntimeException e) {
    failure = e;
    Watchdog.Part p = part;
    if (p != null) {
      p.blocked("stopped following " + topic + " on " + e);
    }
    handler.onFailure(e);
  }

  private List<TopicPartition> partitions(Consumer<?, ?> c) {
    while (running) {
      List<PartitionInfo> infos = c.partitionsFor(topic, Duration.ofSeconds(10));
      if (infos != null && !infos.isEmpty()) {
        Watchdog.Part p = part;
        if (p != null) {
          p.progressed();
        }
        List<TopicPartition> tps = new ArrayList<>();
        infos.forEach(i -> tps.add(new TopicPartition(topic, i.partition())));
        return tps;
      }
      LOG.warn("topic {} does not exist yet; create it (neurostream topics) — retrying", topic);
      Watchdog.Part p = part;
      if (p != null) {
        p.blocked("topic " + topic + " does not exist; create it (neurostream topics)");
      }
      backOff(MISSING_TOPIC_RETRY);
    }
    return List.of();
  }

  private static boolean reached(Consumer<?, ?> c, Map<TopicPartition, Long> end) {
    for (Map.Entry<TopicPartition, Long> e : end.entrySet()) {
      if (c.position(e.getKey()) < e.getValue()) {
        return false;
      }
    }
    return true;
  }

  /** Stops following: wakes the consumer out of its poll and waits up to 10 s for the thread. */
  @Override
  public void close() {
    running = false;
    closing.countDown();
    Consumer<?, ?> c = consumer;
    if (c != null) {
      c.wakeup();
    }
    if (thread != null) {
      try {
        thread.join(JOIN_TIMEOUT.toMillis());
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }
}
