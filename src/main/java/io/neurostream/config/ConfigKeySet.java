package io.neurostream.config;

import java.util.List;

/**
 * The configuration keys of one service (or of a part shared by several), plus the rules that
 * span keys. Each implementation is listed in
 * {@code META-INF/services/io.neurostream.config.ConfigKeySet} (one line per class), which is how
 * {@link ConfigCatalog} finds every key for the configuration reference and for checking that
 * deployment files only use real environment variable names.
 *
 * <p>Implementations need a public no-argument constructor and hold their keys as constants:
 *
 * <pre>{@code
 * public final class ClassifierKeys implements ConfigKeySet {
 *   public static final ConfigKey<Integer> BATCH_MAX_SIZE =
 *       ConfigKey.of("batch.max.size", ValueType.intIn(1, 1024), 32, "Most scans per inference batch.");
 *   public String service() { return "classifier"; }
 *   public List<ConfigKey<?>> keys() { return List.of(BATCH_MAX_SIZE); }
 * }
 * }</pre>
 */
public interface ConfigKeySet {

  /** Who reads these keys: "common", "classifier", "trainer", "stack", ... */
  String service();

  /** The keys, in the order the reference lists them. */
  List<ConfigKey<?>> keys();

  /**
   * Problems that involve several keys, each a sentence naming the keys, their values and the fix,
   * e.g. "batch.max.delay.ms=900000 exceeds max.poll.interval.ms=300000; lower it". Called only
   * when every single key is valid. Describe a value with {@link Configuration#describe(ConfigKey)}
   * to say where it came from.
   */
  default List<String> check(Configuration config) {
    return List.of();
  }
}
