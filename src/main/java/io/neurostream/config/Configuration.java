package io.neurostream.config;

import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.TreeMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Resolved, validated configuration of one service: for every key of its {@link ConfigKeySet}s a
 * typed value and the {@link Origin} it came from, plus the Kafka client properties passed
 * through. Immutable. Services turn it into their own record ({@code ClassifierConfig.from(c)}).
 *
 * <p>Layers, lowest precedence first: defaults, the properties file, the environment
 * ({@code NEUROSTREAM_BATCH_MAX_SIZE} ↔ {@code batch.max.size}; {@code KAFKA_*} → Kafka client
 * property), flags. An empty value in a file or the environment counts as not set. All problems
 * are collected and thrown together as a {@link ConfigException}.
 */
public final class Configuration {

  private static final Logger log = LoggerFactory.getLogger(Configuration.class);

  private final Map<String, Entry<?>> entries;
  private final Map<String, String> kafkaClientProperties;

  private record Entry<T>(ConfigKey<T> key, T value, Origin origin) {}

  private record Raw(String value, Origin origin) {}

  private Configuration(Map<String, Entry<?>> entries, Map<String, String> kafkaClientProperties) {
    this.entries = Collections.unmodifiableMap(entries);
    this.kafkaClientProperties = Collections.unmodifiableMap(kafkaClientProperties);
  }

  /** Resolves and validates the keys of {@code sets} from {@code sources}. */
  public static Configuration load(ConfigSources sources, ConfigKeySet... sets) {
    return load(sources, Arrays.asList(sets));
  }

  /** Resolves and validates the keys of {@code sets} from {@code sources}. */
  public static Configuration load(ConfigSources sources, List<? extends ConfigKeySet> sets) {
    return new Loader(sources, sets).load();
  }

  /** The value of {@code key}; {@code null} only for an unset {@link ConfigKey.Presence#OPTIONAL} key. */
  @SuppressWarnings("unchecked")
  public <T> T get(ConfigKey<T> key) {
    return ((Entry<T>) entry(key)).value();
  }

  /** The value of {@code key}, empty when an optional key is not set. */
  public <T> Optional<T> find(ConfigKey<T> key) {
    return Optional.ofNullable(get(key));
  }

  /** Where the value of {@code key} came from. */
  public Origin origin(ConfigKey<?> key) {
    return entry(key).origin();
  }

  /** {@code batch.max.size=32 (default)}; masked if secret. For cross-key messages and logs. */
  public <T> String describe(ConfigKey<T> key) {
    return key.name() + "=" + key.show(get(key)) + " (" + origin(key) + ")";
  }

  /**
   * Kafka client properties passed through from the file, {@code KAFKA_*} variables and
   * {@code --set} (e.g. {@code security.protocol}, {@code sasl.jaas.config}); our own keys are not
   * in it.
   */
  public Map<String, String> kafkaClientProperties() {
    return kafkaClientProperties;
  }

  /**
   * The start-up log's one line: how many keys, which were set and where (secrets masked), and the
   * Kafka client properties passed through; the keys left at their defaults are only counted.
   * {@link #summary()} lists every key.
   */
  public String headline() {
    List<String> set = new ArrayList<>();
    for (Entry<?> e : entries.values()) {
      if (e.origin().layer() != Origin.Layer.DEFAULT) {
        set.add(describe(e.key()));
      }
    }
    StringBuilder line = new StringBuilder().append(entries.size()).append(" keys, ")
        .append(entries.size() - set.size()).append(" at their defaults");
    if (!set.isEmpty()) {
      line.append("; set: ").append(String.join(", ", set));
    }
    Map<String, String> kafka = KafkaClientProperties.masked(kafkaClientProperties);
    if (!kafka.isEmpty()) {
      line.append("; Kafka client properties: ");
      List<String> pairs = new ArrayList<>();
      kafka.forEach((k, v) -> pairs.add(k + "=" + v));
      line.append(String.join(", ", pairs));
    }
    return line.toString();
  }

  /** One line per key and passed-through property, secrets masked, for the start-up log. */
  public List<String> summary() {
    List<String> lines = new ArrayList<>();
    for (Entry<?> e : entries.values()) {
      lines.add(describe(e.key()));
    }
    KafkaClientProperties.masked(kafkaClientProperties).forEach((k, v) -> lines.add("kafka " + k + "=" + v));
    return lines;
  }

  private Entry<?> entry(ConfigKey<?> key) {
    Entry<?> e = entries.get(key.name());
    if (e == null || !e.key().equals(key)) {
      throw new IllegalArgumentException("Key " + key.name() + " was not loaded; add its ConfigKeySet to Configuration.load");
    }
    return e;
  }

  /** One resolution: layers in, typed entries or every problem out. */
  private static final class Loader {
    private final ConfigSources sources;
    private final List<? extends ConfigKeySet> sets;
    private final Map<String, ConfigKey<?>> keys = new LinkedHashMap<>();
    private final Map<String, Raw> raw = new LinkedHashMap<>();
    private final Map<String, String> kafka = new TreeMap<>();
    private final List<String> problems = new ArrayList<>();

    Loader(ConfigSources sources, List<? extends ConfigKeySet> sets) {
      this.sources = sources;
      this.sets = sets;
      for (ConfigKeySet set : sets) {
        for (ConfigKey<?> key : set.keys()) {
          ConfigKey<?> previous = keys.putIfAbsent(key.name(), key);
          if (previous != null && !previous.equals(key)) {
            throw new IllegalStateException("Key " + key.name() + " is declared twice differently; "
                + "declare it once and share the constant");
          }
        }
      }
    }

    Configuration load() {
      sources.file().ifPresent(this::readFile);
      readEnv();
      readFlags();
      Map<String, Entry<?>> entries = new LinkedHashMap<>();
      for (ConfigKey<?> key : keys.values()) {
        Entry<?> e = resolve(key);
        if (e != null) {
          entries.put(key.name(), e);
        }
      }
      if (problems.isEmpty()) {
        Configuration config = new Configuration(entries, kafka);
        for (ConfigKeySet set : sets) {
          problems.addAll(set.check(config));
        }
        if (problems.isEmpty()) {
          return config;
        }
      }
      throw new ConfigException(problems);
    }

    private void readFile(Path file) {
      Properties props = new Properties();
      try (Reader in = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
        props.load(in);
      } catch (NoSuchFileException e) {
        problems.add("config file " + file + " does not exist; check the --config path");
        return;
      } catch (IOException | IllegalArgumentException e) {
        problems.add("config file " + file + " cannot be read (" + e.getMessage() + "); fix the file or its permissions");
        return;
      }
      Origin origin = Origin.file(file.toString());
      for (String name : new TreeMap<>(toStrings(props)).keySet()) {
        String key = name.trim();
        String value = props.getProperty(name).trim();
        if (value.isEmpty()) {
          continue;
        }
        place(key, value, origin, "in " + origin);
      }
    }

    private void readEnv() {
      Map<String, ConfigKey<?>> byEnv = new LinkedHashMap<>();
      keys.values().forEach(k -> byEnv.put(k.envName(), k));
      for (Map.Entry<String, String> var : new TreeMap<>(sources.env()).entrySet()) {
        String name = var.getKey();
        String value = var.getValue().trim();
        if (value.isEmpty()) {
          continue;
        }
        ConfigKey<?> key = byEnv.get(name);
        if (key != null) {
          raw.put(key.name(), new Raw(value, Origin.env(name)));
        } else if (name.startsWith(KafkaClientProperties.ENV_PREFIX)) {
          String property = KafkaClientProperties.fromEnv(name);
          // KAFKA_HEAP_OPTS and friends belong to Kafka's scripts, not to its clients.
          if (KafkaClientProperties.isKnown(property)) {
            kafka.put(property, value);
          }
        } else if (name.startsWith(ConfigKey.ENV_PREFIX) && !ConfigCatalog.isKnownEnvName(name)) {
          log.warn("Ignoring environment variable {}: no NeuroStream key reads it{}", name,
              suggestion(name, ConfigCatalog.envNames()));
        }
      }
    }

    private void readFlags() {
      for (ConfigSources.Flag flag : sources.flags()) {
        place(flag.key(), flag.value(), Origin.flag(flag.flag()), "in " + flag.flag());
      }
    }

    /**
     * A file entry or {@code --set}: ours, another service's key (a shared file; not ours to
     * judge, and never passed to Kafka even if Kafka knows the name, e.g. {@code application.id}),
     * a Kafka client property, or a typo.
     */
    private void place(String key, String value, Origin origin, String where) {
      if (keys.containsKey(key)) {
        raw.put(key, new Raw(value, origin));
      } else if (ConfigCatalog.isKnownKey(key)) {
        return;
      } else if (KafkaClientProperties.isKnown(key)) {
        kafka.put(key, value);
      } else if (key.startsWith(KafkaClientProperties.FILE_PREFIX)) {
        kafka.put(key.substring(KafkaClientProperties.FILE_PREFIX.length()), value);
      } else {
        problems.add("unknown key '" + key + "' " + where + suggestion(key, allNames())
            + "; remove it, or prefix a Kafka client property with 'kafka.'");
      }
    }

    private <T> Entry<T> resolve(ConfigKey<T> key) {
      Raw given = raw.get(key.name());
      if (given == null) {
        if (key.presence() == ConfigKey.Presence.REQUIRED) {
          problems.add(key.name() + " is not set; " + howToSet(key));
          return null;
        }
        return new Entry<>(key, key.defaultValue(), Origin.DEFAULT);
      }
      try {
        return new Entry<>(key, key.type().parse(given.value()), given.origin());
      } catch (IllegalArgumentException e) {
        String shown = key.secret() ? "******" : given.value();
        String fallback = key.defaultValue() == null ? "" : " (default " + key.formattedDefault() + ")";
        problems.add(key.name() + "=" + shown + " from " + given.origin() + " " + e.getMessage()
            + "; set " + key.type().describe() + fallback);
        return null;
      }
    }

    private String howToSet(ConfigKey<?> key) {
      String flag = sources.flagNames().get(key.name());
      return (flag == null ? "" : "pass " + flag + ", ") + "set " + key.envName() + ", or put "
          + key.name() + "=... in the --config file (" + key.type().describe() + ")";
    }

    private List<String> allNames() {
      List<String> names = new ArrayList<>(keys.keySet());
      names.addAll(ConfigCatalog.keyNames());
      return names;
    }

    private static Map<String, String> toStrings(Properties props) {
      Map<String, String> out = new LinkedHashMap<>();
      props.stringPropertyNames().forEach(n -> out.put(n, props.getProperty(n)));
      return out;
    }
  }

  /** "; did you mean batch.max.size?" when a known name is a typo away, else "". */
  static String suggestion(String given, java.util.Collection<String> known) {
    String best = null;
    int bestDistance = Integer.MAX_VALUE;
    for (String candidate : known) {
      int d = distance(given.toLowerCase(java.util.Locale.ROOT), candidate.toLowerCase(java.util.Locale.ROOT));
      if (d < bestDistance) {
        best = candidate;
        bestDistance = d;
      }
    }
    return best != null && bestDistance <= Math.max(2, given.length() / 5) ? "; did you mean " + best + "?" : "";
  }

  private static int distance(String a, String b) {
    int[] prev = new int[b.length() + 1];
    int[] cur = new int[b.length() + 1];
    for (int j = 0; j <= b.length(); j++) {
      prev[j] = j;
    }
    for (int i = 1; i <= a.length(); i++) {
      cur[0] = i;
      for (int j = 1; j <= b.length(); j++) {
        int cost = a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1;
        cur[j] = Math.min(Math.min(cur[j - 1] + 1, prev[j] + 1), prev[j - 1] + cost);
      }
      int[] t = prev;
      prev = cur;
      cur = t;
    }
    return prev[b.length()];
  }
}
