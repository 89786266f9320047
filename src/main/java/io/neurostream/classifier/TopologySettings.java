package io.neurostream.classifier;

import java.util.Map;
import java.util.function.Function;

/**
 * What the classifier topology needs to know, validated at start so that a bad combination fails
 * before the first record rather than as a rebalance storm later.
 *
 * @param batchMaxSize {@code batch.max.size}: scans per inference batch (default 32)
 * @param batchMaxDelayMs {@code batch.max.delay.ms}: longest a scan waits for a batch (default 50)
 * @param inferenceMaxMsPerImage {@code inference.max.ms.per.image}: an upper bound of the
 *     inference time per image on this hardware, used only for the start-up budget check
 *     (default 500)
 * @param maxPollIntervalMs {@code max.poll.interval.ms} of the stream threads' consumer
 * @param transactionTimeoutMs {@code transaction.timeout.ms} of the stream threads' producer
 * @param scanMaxPayloadBytes {@code scan.max.payload.bytes}: larger records are dead letters
 * @param scanMinDimension {@code scan.min.dimension}: smallest width/height accepted
 * @param scanMaxDimension {@code scan.max.dimension}: largest width/height accepted
 * @param persistentBuffer {@code batch.buffer.persistent}: a (small) RocksDB buffer store rather
 *     than an in-memory one (both are changelogged); persistent state also keeps Kafka Streams'
 *     process id, hence its transactional ids, stable across restarts on the same state
 *     directory, so a restarted instance fences its crashed predecessor's open transaction at
 *     once instead of waiting for {@code transaction.timeout.ms}
 * @param dedupRetentionMs {@code dedup.retention.ms}: how long the intake remembers a scan (SOP
 *     Instance UID and image digest) so that a re-sent copy gets no second prediction
 * @param batchMaxPixels {@code batch.max.pixels}: most decoded pixels a batch holds at once (4 bytes
 *     each); a batch whose images would hold more is inferred in parts, and a scan whose image
 *     alone is larger becomes an {@code OVER_PIXEL_BUDGET} dead letter (default 16 Mi: 64 MB)
 */
public record TopologySettings(
    int batchMaxSize,
    long batchMaxDelayMs,
    long inferenceMaxMsPerImage,
    long maxPollIntervalMs,
    long transactionTimeoutMs,
    int scanMaxPayloadBytes,
    int scanMinDimension,
    int scanMaxDimension,
    boolean persistentBuffer,
    long dedupRetentionMs,
    long batchMaxPixels) {

  public static final String BATCH_MAX_SIZE = "batch.max.size";
  public static final String BATCH_MAX_DELAY_MS = "batch.max.delay.ms";
  public static final String INFERENCE_MAX_MS_PER_IMAGE = "inference.max.ms.per.image";
  public static final String MAX_POLL_INTERVAL_MS = "max.poll.interval.ms";
  public static final String TRANSACTION_TIMEOUT_MS = "transaction.timeout.ms";
  public static final String SCAN_MAX_PAYLOAD_BYTES = "scan.max.payload.bytes";
  public static final String SCAN_MIN_DIMENSION = "scan.min.dimension";
  public static final String SCAN_MAX_DIMENSION = "scan.max.dimension";
  public static final String BATCH_BUFFER_PERSISTENT = "batch.buffer.persistent";
  public static final String DEDUP_RETENTION_MS = "dedup.retention.ms";
  public static final String BATCH_MAX_PIXELS = "batch.max.pixels";

  /** Defaults, as documented on each key. */
  public static final Map<String, String> DEFAULTS = Map.ofEntries(
      Map.entry(BATCH_MAX_SIZE, "32"),
      Map.entry(BATCH_MAX_DELAY_MS, "50"),
      Map.entry(INFERENCE_MAX_MS_PER_IMAGE, "500"),
      Map.entry(MAX_POLL_INTERVAL_MS, "300000"),
      Map.entry(TRANSACTION_TIMEOUT_MS, "60000"),
      Map.entry(SCAN_MAX_PAYLOAD_BYTES, Integer.toString(8 * 1024 * 1024)),
      Map.entry(SCAN_MIN_DIMENSION, "16"),
      Map.entry(SCAN_MAX_DIMENSION, "4096"),
      Map.entry(BATCH_BUFFER_PERSISTENT, "true"),
      Map.entry(DEDUP_RETENTION_MS, Long.toString(7L * 24 * 60 * 60 * 1000)),
      Map.entry(BATCH_MAX_PIXELS, Long.toString(16L << 20)));

  /** Validates ranges and the batch time budget; throws naming the key and the fix. */
  public TopologySettings {
    positive(BATCH_MAX_SIZE, batchMaxSize);
    positive(BATCH_MAX_DELAY_MS, batchMaxDelayMs);
    positive(INFERENCE_MAX_MS_PER_IMAGE, inferenceMaxMsPerImage);
    positive(MAX_POLL_INTERVAL_MS, maxPollIntervalMs);
    positive(TRANSACTION_TIMEOUT_MS, transactionTimeoutMs);
    positive(SCAN_MAX_PAYLOAD_BYTES, scanMaxPayloadBytes);
    positive(SCAN_MIN_DIMENSION, scanMinDimension);
    positive(DEDUP_RETENTION_MS, dedupRetentionMs);
    if (scanMaxDimension < scanMinDimension) {
      throw new IllegalArgumentException(SCAN_MAX_DIMENSION + "=" + scanMaxDimension + " is below "
          + SCAN_MIN_DIMENSION + "=" + scanMinDimension + "; raise " + SCAN_MAX_DIMENSION);
    }
    checkBudget(batchMaxSize, batchMaxDelayMs, inferenceMaxMsPerImage, maxPollIntervalMs,
        transactionTimeoutMs);
    positive(BATCH_MAX_PIXELS, batchMaxPixels);
  }

  /** The defaults. */
  public static TopologySettings defaults() {
    return from(Map.of());
  }

  /** Reads the keys above from {@code config} (missing keys take their defaults). */
  public static TopologySettings from(Map<String, String> config) {
    Function<String, String> get = k -> {
      String v = config.get(k);
      return v == null || v.isBlank() ? DEFAULTS.get(k) : v.trim();
    };
    return new TopologySettings(
        (int) number(get, BATCH_MAX_SIZE),
        number(get, BATCH_MAX_DELAY_MS),
        number(get, INFERENCE_MAX_MS_PER_IMAGE),
        number(get, MAX_POLL_INTERVAL_MS),
        number(get, TRANSACTION_TIMEOUT_MS),
        (int) number(get, SCAN_MAX_PAYLOAD_BYTES),
        (int) number(get, SCAN_MIN_DIMENSION),
        (int) number(get, SCAN_MAX_DIMENSION),
        bool(get, BATCH_BUFFER_PERSISTENT),
        number(get, DEDUP_RETENTION_MS),
        number(get, BATCH_MAX_PIXELS));
  }

  /** The same settings with another batch size and delay (tests, benchmarks). */
  public TopologySettings withBatch(int maxSize, long maxDelayMs) {
    return new TopologySettings(maxSize, maxDelayMs, inferenceMaxMsPerImage, maxPollIntervalMs,
        transactionTimeoutMs, scanMaxPayloadBytes, scanMinDimension, scanMaxDimension,
        persistentBuffer, dedupRetentionMs, batchMaxPixels);
  }

  /** The worst-case time of one batch: every image at the upper bound, after the full delay. */
  public long worstCaseBatchMs() {
    return batchMaxSize * inferenceMaxMsPerImage + batchMaxDelayMs;
  }

  private static void checkBudget(
      int size, long delay, long perImage, long maxPoll, long txTimeout) {
    long worst = size * perImage + delay;
    boolean pollBinds = maxPoll <= txTimeout;
    long limit = Math.min(maxPoll, txTimeout);
    if (worst > limit / 2) {
      String limitKey = pollBinds ? MAX_POLL_INTERVAL_MS : TRANSACTION_TIMEOUT_MS;
      throw new IllegalArgumentException(BATCH_MAX_SIZE + "=" + size + " x "
          + INFERENCE_MAX_MS_PER_IMAGE + "=" + perImage + " + " + BATCH_MAX_DELAY_MS + "=" + delay
          + " = " + worst + " ms worst case per batch is not well within " + limitKey + "="
          + limit + " (at most half, " + limit / 2 + " ms); lower " + BATCH_MAX_SIZE + " or "
          + BATCH_MAX_DELAY_MS + ", or raise " + limitKey);
    }
  }

  private static void positive(String key, long v) {
    if (v <= 0) {
      throw new IllegalArgumentException(key + "=" + v + " must be positive; set " + key
          + " to a value above 0 (default " + DEFAULTS.get(key) + ")");
    }
  }

  private static long number(Function<String, String> get, String key) {
    String v = get.apply(key);
    try {
      return Long.parseLong(v);
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(key + "=" + v + " is not a whole number; set " + key
          + " to e.g. " + DEFAULTS.get(key));
    }
  }

  private static boolean bool(Function<String, String> get, String key) {
    String v = get.apply(key);
    if (!v.equalsIgnoreCase("true") && !v.equalsIgnoreCase("false")) {
      throw new IllegalArgumentException(key + "=" + v + " must be true or false");
    }
    return Boolean.parseBoolean(v);
  }
}
