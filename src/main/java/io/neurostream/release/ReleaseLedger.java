package io.neurostream.release;

import io.neurostream.avro.ModelRelease;
import io.neurostream.avro.ReleaseStatus;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * What the releases topic says should be served. The rule, shared with the trainer: each version's
 * newest record counts; among versions whose newest record is PROMOTED, the one with the latest
 * {@code createdAt} is served. So a rollback is either a ROLLED_BACK record for the bad version
 * (the previous promoted one comes back) or a PROMOTED re-release of an older version with a
 * newer {@code createdAt}. REJECTED releases are never served. A pin serves one version whatever
 * the topic says later. An instance that cannot verify or load the newest candidate falls back to
 * the next one ({@link #candidates}).
 */
public final class ReleaseLedger {

  private record Entry(ModelRelease release, long sequence) {}

  private final Map<String, Entry> newestByVersion = new HashMap<>();
  private long sequence;

  /** Records one release as read from the topic, in topic order. */
  public void record(ModelRelease release) {
    newestByVersion.put(release.getVersion(), new Entry(release, sequence++));
  }

  /** The release to serve: the pinned version if {@code pin} is set, else the newest promoted. */
  public Optional<ModelRelease> target(Optional<String> pin) {
    return candidates(pin).stream().findFirst();
  }

  /**
   * The releases that may be served, best first: the pinned version alone if {@code pin} is set,
   * else every version whose newest record is PROMOTED, newest {@code createdAt} first.
   */
  public List<ModelRelease> candidates(Optional<String> pin) {
    if (pin.isPresent()) {
      Entry e = newestByVersion.get(pin.get());
      return e == null ? List.of() : List.of(e.release());
    }
    return newestByVersion.values().stream()
        .filter(e -> e.release().getStatus() == ReleaseStatus.PROMOTED)
        .sorted(Comparator.<Entry>comparingLong(e -> e.release().getCreatedAt().toEpochMilli())
            .thenComparingLong(Entry::sequence).reversed())
        .map(Entry::release)
        .toList();
  }

  public int size() {
    return newestByVersion.size();
  }
}
