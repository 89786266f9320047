package io.neurostream.trainer;

import io.neurostream.avro.ModelRelease;
import io.neurostream.kafka.Topics;
import io.neurostream.model.BundleMetadata;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The trainer's view of the releases topic: the history as last read, plus the records this
 * process published that the topic may not show yet, and the producer that publishes them. Read
 * and published from the trainer's loop thread; the history may be read from any thread.
 */
final class ReleaseTracker implements AutoCloseable {
  private static final Duration READ_TIMEOUT = Duration.ofMinutes(2);

  private final Map<String, Object> client;
  private final Map<String, Object> serde;
  private final ReleasePublisher publisher;
  /** Records published by this process that the topic may not show yet (loop thread only). */
  private final List<ModelRelease> publishedHere = new ArrayList<>();
  private volatile ReleaseHistory history;
  private Instant readAt = Instant.EPOCH;

  ReleaseTracker(Map<String, Object> client, Map<String, Object> serde, ReleasePublisher publisher) {
    this.client = client;
    this.serde = serde;
    this.publisher = publisher;
  }

  /** Reads the releases topic again (the freshest served release, e.g. after a rollback). */
  void refresh() {
    ReleaseHistory read = ReleaseHistory.read(Topics.MODEL_RELEASES.name(), client,
        Topics.MODEL_RELEASES.valueSerde(serde).deserializer(), READ_TIMEOUT);
    publishedHere.removeIf(p -> read.records().stream().anyMatch(r -> ReleaseHistory.sameRecord(r, p)));
    history = read.including(publishedHere);
    readAt = Instant.now();
  }

  /** Whether the history was never read or is older than {@code maxAge} at {@code now}. */
  boolean stale(Instant now, Duration maxAge) {
    return history == null || now.isAfter(readAt.plus(maxAge));
  }

  /** The history as last read, or null before the first read. */
  ReleaseHistory history() {
    return history;
  }

  /** Publishes and remembers the record until the topic shows it. */
  ModelRelease publish(TrainingRound.Result result) {
    ModelRelease published = publisher.publish(result.bundle(), result.draft());
    publishedHere.add(published);
    return published;
  }

  /** A time-based version not used before, e.g. {@code 20261126-232400} or {@code ...-2}. */
  static String nextVersion(ReleaseHistory history) {
    String base = BundleMetadata.newVersion();
    String v = base;
    for (int n = 2; history.find(v).isPresent(); n++) {
      v = base + "-" + n;
    }
    return v;
  }

  @Override
  public void close() {
    publisher.close();
  }
}
