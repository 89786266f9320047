package io.neurostream.classifier;

import io.neurostream.avro.ScanEvent;
import java.nio.ByteBuffer;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.state.StoreBuilder;
import org.apache.kafka.streams.state.Stores;
import org.apache.kafka.streams.state.WindowBytesStoreSupplier;
import org.apache.kafka.streams.state.WindowStore;
import org.apache.kafka.streams.state.WindowStoreIterator;

/**
 * Drops a scan the classifier has already taken in: PACS routers and DICOMweb clients retry, so
 * the same instance can arrive twice, and it must not get a second prediction. A scan is the same
 * when its SOP Instance UID and the SHA-256 of its image bytes are; a corrected image under the
 * same UID is classified again. What was seen lives in a changelogged window store ({@value
 * #STORE}) whose retention ({@code dedup.retention.ms}) bounds it: Kafka Streams drops whole
 * segments as stream time passes, so the store does not grow without end. It is written in the
 * same exactly-once transaction as the scan's hand-over to the batcher, so a crash can neither
 * lose a scan nor let its re-send through.
 */
final class ResendFilter {

  static final String STORE = "scan-intake-seen";

  private final WindowStore<String, Long> seen;
  private final long retentionMs;

  ResendFilter(WindowStore<String, Long> seen, long retentionMs) {
    this.seen = seen;
    this.retentionMs = retentionMs;
  }

  /** The store's builder: changelogged, persistent or in memory like the batch buffer. */
  static StoreBuilder<WindowStore<String, Long>> store(Duration retention, boolean persistent) {
    WindowBytesStoreSupplier supplier = persistent
        ? Stores.persistentWindowStore(STORE, retention, retention, false)
        : Stores.inMemoryWindowStore(STORE, retention, retention, false);
    return Stores.windowStoreBuilder(supplier, Serdes.String(), Serdes.Long())
        .withLoggingEnabled(java.util.Map.of());
  }

  /**
   * True when this scan (same SOP Instance UID and image) was taken in within the retention
   * before {@code timestamp}; otherwise remembers it and returns false.
   *
   * @param timestamp the record's timestamp (stream time, which expires entries)
   * @param now wall-clock time, stored as when it was first seen
   */
  boolean isResend(ScanEvent scan, long timestamp, long now) {
    String key = key(scan);
    try (WindowStoreIterator<Long> earlier = seen.fetch(key,
        Instant.ofEpochMilli(Math.max(0, timestamp - retentionMs)),
        Instant.ofEpochMilli(timestamp + retentionMs))) {
      if (earlier.hasNext()) {
        return true;
      }
    }
    seen.put(key, now, timestamp);
    return false;
  }

  /** SOP Instance UID, a separator no UID contains, and the hex SHA-256 of the image bytes. */
  static String key(ScanEvent scan) {
    MessageDigest sha;
    try {
      sha = MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 unavailable in this JVM", e);
    }
    ByteBuffer image = scan.getImage().duplicate();
    sha.update(image);
    return scan.getIdentity().getSopInstanceUid() + "|" + HexFormat.of().formatHex(sha.digest());
  }
}
