package io.neurostream.classifier;

import io.neurostream.config.Plural;
import io.neurostream.release.ArtifactException;
import io.neurostream.release.ArtifactStore;
import io.neurostream.release.ReleaseLedger;
import io.neurostream.avro.ModelRelease;
import io.neurostream.kafka.TopicFollower;
import io.neurostream.ops.Faults;
import io.neurostream.ops.Watchdog;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.Deserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Follows the model-releases topic and keeps the {@link ModelHolder} serving what it says
 * (see {@link ReleaseLedger} for the rule). Runs its own {@code read_committed} consumer with no
 * consumer group, outside the exactly-once topology: every instance reads every release. A new
 * target is fetched, verified, loaded and warmed up on this thread, then swapped in; a release that
 * fails any of that is refused, logged and counted, and the current model keeps serving.
 *
 * <p>A release record that cannot be read for a reason that may pass ({@link Faults}: the schema
 * registry unreachable) is read again with back-off until it can, never dropped; meanwhile the
 * {@code release-follower} part of the {@link Watchdog} is blocked, so {@code /live} fails if the
 * outage outlasts the liveness deadline. Only a record that is not a ModelRelease at all is
 * skipped ({@code UNDECODABLE_RELEASE}).
 */
public final class ReleaseFollower implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(ReleaseFollower.class);

  private final String topic;
  private final TopicFollower<byte[]> follower;
  private final Deserializer<ModelRelease> deserializer;
  private final ArtifactStore artifacts;
  private final ModelLoader loader;
  private final ModelHolder holder;
  private final ClassifierMetrics metrics;
  private final Optional<String> pin;
  private final Path workDir;

  /** First wait before a refusal that may pass is retried; doubles up to {@link #RETRY_MAX}. */
  static final Duration RETRY_FIRST = Duration.ofSeconds(5);
  static final Duration RETRY_MAX = Duration.ofMinutes(2);
  /** Back-off while release records cannot be read (registry unreachable): first and cap. */
  static final Duration UNREADABLE_FIRST = Duration.ofSeconds(1);
  static final Duration UNREADABLE_MAX = Duration.ofSeconds(15);

  private final Watchdog.Part reading;
  private int unreadable;
  private volatile String lastRefusal;

  private final ReleaseLedger ledger = new ReleaseLedger();
  /** Refused attempts (version, digest, creation time): final, or retried when due. */
  private final Map<String, Refusal> refused = new HashMap<>();

  public ReleaseFollower(
      String topic,
      Map<String, Object> clientConfig,
      Deserializer<ModelRelease> deserializer,
      ArtifactStore artifacts,
      ModelLoader loader,
      ModelHolder holder,
      ClassifierMetrics metrics,
      Optional<String> pin,
      Path workDir,
      Watchdog watchdog) {
    this.topic = topic;
    this.follower = new TopicFollower<>(topic, clientConfig, new ByteArrayDeserializer(),
        "release-follower", new Releases()).watchedBy(watchdog.part("releases-consumer"));
    this.reading = watchdog.part("release-follower");
    this.deserializer = deserializer;
    this.artifacts = artifacts;
    this.loader = loader;
    this.holder = holder;
    this.metrics = metrics;
    this.pin = pin;
    this.workDir = workDir;
  }

  /** Starts following on a daemon thread named {@code release-follower}. */
  public ReleaseFollower start() {
    follower.start("release-follower");
    return this;
  }

  /**
   * Waits until the topic has been read to its end once and the release it names (if any) has
   * been loaded or refused, so a restarted instance resumes with the version it served before.
   *
   * @return false if that did not happen within {@code timeout}
   */
  public boolean awaitCaughtUp(Duration timeout) throws InterruptedException {
    return follower.awaitCaughtUp(timeout);
  }

  /**
   * Reads one record into the ledger; false if it cannot be read yet, in which case its partition
   * was rewound to it and the thread has backed off.
   */
  private boolean record(Consumer<byte[], byte[]> consumer, ConsumerRecord<byte[], byte[]> r) {
    if (r.value() == null) {
      return true; // a tombstone: compaction of an old release
    }
    ModelRelease release;
    try {
      release = deserializer.deserialize(r.topic(), r.headers(), r.value());
    } catch (RuntimeException e) {
      if (Faults.isTransient(e)) {
        unreadable++;
        long wait = Math.min(UNREADABLE_MAX.toMillis(),
            UNREADABLE_FIRST.toMillis() << Math.min(10, unreadable - 1));
        reading.blocked("release record " + r.topic() + "-" + r.partition() + "@" + r.offset()
            + " cannot be read: " + e.getMessage());
        LOG.warn("release record {}-{}@{} cannot be read yet ({}); reading it again in {} ms",
            r.topic(), r.partition(), r.offset(), e.getMessage(), wait);
        consumer.seek(new TopicPartition(r.topic(), r.partition()), r.offset());
        follower.backOff(Duration.ofMillis(wait));
        return false;
      }
      metrics.releaseRefused("UNDECODABLE_RELEASE");
      LOG.warn("release record {}-{}@{} is not a readable ModelRelease and is ignored: {}",
          r.topic(), r.partition(), r.offset(), e.getMessage());
      return true;
    }
    if (unreadable > 0) {
      LOG.info("release records readable again after {} attempts", unreadable);
      unreadable = 0;
    }
    reading.progressed();
    ledger.record(release);
    return true;
  }

  /**
   * Why no model is served although releases exist, if that is the case: the last refusal. Empty
   * while a model is served, or while no release exists yet (then there is nothing to wait for).
   */
  public Optional<String> refusalWithoutModel() {
    return holder.hasModel() ? Optional.empty() : Optional.ofNullable(lastRefusal);
  }

  /**
   * A refused attempt. One that may pass (the artifact not there yet, or storage trouble) is
   * retried with doubling back-off: a trainer killed mid-publication leaves its transaction open
   * until the broker aborts it, and a republished artifact arrives under the same release. A
   * final refusal is not retried until a newer record for the release arrives.
   */
  private record Refusal(boolean mayPass, int failures, long retryAtNanos) {
    static Refusal after(ArtifactException.Reason reason, Refusal previous, long now) {
      int failures = previous == null ? 1 : previous.failures() + 1;
      long wait = Math.min(RETRY_MAX.toNanos(),
          RETRY_FIRST.toNanos() << Math.min(20, failures - 1));
      return new Refusal(reason.mayPass(), failures, now + wait);
    }

    boolean due(long now) {
      return mayPass && now - retryAtNanos >= 0;
    }
  }

  private boolean retryDue() {
    long now = System.nanoTime();
    for (Refusal r : refused.values()) {
      if (r.due(now)) {
        return true;
      }
    }
    return false;
  }

  /**
   * Serves the best candidate this instance can verify and load: the first one that is already
   * served, or loads, wins; refused ones are skipped until their retry is due (final refusals,
   * until a newer record for them arrives).
   */
  private void reconcile() {
    List<ModelRelease> candidates = ledger.candidates(pin);
    if (candidates.isEmpty()) {
      pin.ifPresent(v -> LOG.warn("pinned model.version={} has no release on {} yet", v, topic));
      return;
    }
    for (ModelRelease release : candidates) {
      String version = release.getVersion();
      if (holder.version().filter(version::equals).isPresent()) {
        return;
      }
      String attempt = version + "|" + release.getArtifactSha256() + "|" + release.getCreatedAt();
      Refusal before = refused.get(attempt);
      if (before != null && !before.due(System.nanoTime())) {
        continue;
      }
      Optional<ArtifactException.Reason> refusal = serve(release);
      if (refusal.isEmpty()) {
        refused.remove(attempt);
        return;
      }
      Refusal now = Refusal.after(refusal.get(), before, System.nanoTime());
      refused.put(attempt, now);
      if (now.mayPass()) {
        LOG.info("release {} will be retried in {} s (attempt {} failed)", version,
            Duration.ofNanos(now.retryAtNanos() - System.nanoTime()).toSeconds(), now.failures());
      }
    }
    LOG.warn("no release on {} can be served; still serving {}", topic,
        holder.version().orElse("no model"));
  }

  /** Fetches, verifies, loads and swaps in {@code release}; the reason if it was refused. */
  private Optional<ArtifactException.Reason> serve(ModelRelease release) {
    String version = release.getVersion();
    LOG.info("release {} ({}) is the target; fetching {}", version, release.getStatus(),
        release.getArtifactUri());
    Path artifact = null;
    try {
      artifact = artifacts.fetch(release, workDir);
      ScanModel model;
      try {
        model = loader.load(artifact, version);
      } catch (Exception e) {
        throw new ArtifactException(ArtifactException.Reason.LOAD_FAILED,
            "release " + version + " passed verification but does not load: " + e.getMessage(), e);
      }
      Optional<String> previous = holder.swap(model);
      metrics.modelServed(version);
      if (previous.isPresent()) {
        metrics.swapped();
      }
      lastRefusal = null;
      LOG.info("release {} serving (was {})", version, previous.orElse("none"));
      return Optional.empty();
    } catch (ArtifactException e) {
      metrics.releaseRefused(e.reason().name());
      lastRefusal = "release " + version + " refused (" + e.reason() + "): " + e.getMessage();
      LOG.warn("release {} refused ({}): {}; still serving {}", version, e.reason(),
          e.getMessage(), holder.version().orElse("no model"));
      return Optional.of(e.reason());
    } finally {
      if (artifact != null) {
        deleteQuietly(artifact);
      }
    }
  }

  private static void deleteQuietly(Path p) {
    try {
      Files.deleteIfExists(p);
    } catch (IOException e) {
      LOG.debug("could not delete {}: {}", p, e.toString());
    }
  }

  /** Reads releases into the ledger and reconciles; kept private so callers see no callbacks. */
  private final class Releases implements TopicFollower.Handler<byte[]> {

    @Override
    public void onRecords(Consumer<byte[], byte[]> consumer,
        ConsumerRecords<byte[], byte[]> records, boolean caughtUp) {
      boolean complete = true;
      for (TopicPartition tp : records.partitions()) {
        for (ConsumerRecord<byte[], byte[]> r : records.records(tp)) {
          if (!record(consumer, r)) {
            complete = false;
            break; // this partition was rewound to r
          }
        }
        if (!complete) {
          return; // read again after the back-off; reconcile once everything read is known
        }
      }
      // replaying history must not load every old release in turn: reconcile once caught up
      if (caughtUp && (!records.isEmpty() || retryDue())) {
        reconcile();
      }
    }

    @Override
    public void onCaughtUp(Consumer<byte[], byte[]> consumer, List<TopicPartition> partitions) {
      LOG.info("release follower caught up: {} on {}{}", Plural.of(ledger.size(), "version"), topic,
          pin.map(v -> ", pinned to " + v).orElse(""));
      reconcile();
    }

    @Override
    public void onFailure(RuntimeException e) {
      LOG.error("release follower stopped: {}; the current model keeps serving, restart to follow "
          + "releases again", e.toString(), e);
    }
  }

  @Override
  public void close() {
    follower.close();
  }
}
