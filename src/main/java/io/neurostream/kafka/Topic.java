package io.neurostream.kafka;

import java.util.Collections;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.function.Function;
import java.util.regex.Pattern;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.serialization.Serde;

/**
 * One Kafka topic, declared once: its name, layout, topic-level configs and the serdes of its keys
 * and values. Code refers to the constants in {@link Topics}, never to a topic name literal; the
 * {@code topics} command creates and verifies exactly these declarations.
 *
 * <p>The serdes are factories because Avro serdes need the serde configuration
 * ({@code schema.registry.url}, credentials, ...), which is only known at run time:
 *
 * <pre>{@code
 * Serde<ScanEvent> scans = Topics.SCANS.valueSerde(serdeConfig);
 * builder.stream(Topics.SCANS.name(), Consumed.with(Topics.SCANS.keySerde(serdeConfig), scans));
 * }</pre>
 *
 * @param name the topic name (Kafka's legal characters: letters, digits, '.', '_', '-')
 * @param partitions how many partitions a new topic gets (the parallelism of its consumers)
 * @param replicationFactor how many replicas each partition has (1 on the embedded broker)
 * @param configs topic-level configs, e.g. {@code cleanup.policy}, {@code max.message.bytes}
 * @param keySerdeFactory builds the key serde from the serde configuration
 * @param valueSerdeFactory builds the value serde from the serde configuration
 * @param <K> the key type
 * @param <V> the value type
 */
public record Topic<K, V>(
    String name,
    int partitions,
    short replicationFactor,
    Map<String, String> configs,
    Function<Map<String, ?>, Serde<K>> keySerdeFactory,
    Function<Map<String, ?>, Serde<V>> valueSerdeFactory) {

  private static final Pattern LEGAL_NAME = Pattern.compile("[a-zA-Z0-9._-]{1,249}");

  /** Validates the declaration and freezes the configs (sorted, so reports list them stably). */
  public Topic {
    Objects.requireNonNull(name, "name");
    if (!LEGAL_NAME.matcher(name).matches() || name.equals(".") || name.equals("..")) {
      throw new IllegalArgumentException("Topic name '" + name
          + "' is not legal in Kafka; use 1-249 letters, digits, '.', '_' or '-'");
    }
    if (partitions < 1) {
      throw new IllegalArgumentException("Topic " + name + ": partitions=" + partitions + " must be at least 1");
    }
    if (replicationFactor < 1) {
      throw new IllegalArgumentException("Topic " + name + ": replication factor " + replicationFactor
          + " must be at least 1");
    }
    configs = Collections.unmodifiableMap(new TreeMap<>(Objects.requireNonNull(configs, "configs")));
    Objects.requireNonNull(keySerdeFactory, "keySerdeFactory");
    Objects.requireNonNull(valueSerdeFactory, "valueSerdeFactory");
  }

  /** The key serde, configured with {@code serdeConfig} (e.g. {@code schema.registry.url}). */
  public Serde<K> keySerde(Map<String, ?> serdeConfig) {
    return keySerdeFactory.apply(serdeConfig);
  }

  /** The value serde, configured with {@code serdeConfig} (e.g. {@code schema.registry.url}). */
  public Serde<V> valueSerde(Map<String, ?> serdeConfig) {
    return valueSerdeFactory.apply(serdeConfig);
  }

  /** The same topic with another replication factor (1 on one broker, 3 in production). */
  public Topic<K, V> withReplicationFactor(short factor) {
    return new Topic<>(name, partitions, factor, configs, keySerdeFactory, valueSerdeFactory);
  }

  /** The same topic with another partition count. */
  public Topic<K, V> withPartitions(int count) {
    return new Topic<>(name, count, replicationFactor, configs, keySerdeFactory, valueSerdeFactory);
  }

  /** The same topic with one more (or a changed) topic-level config. */
  public Topic<K, V> withConfig(String key, String value) {
    Map<String, String> changed = new TreeMap<>(configs);
    changed.put(key, value);
    return new Topic<>(name, partitions, replicationFactor, changed, keySerdeFactory, valueSerdeFactory);
  }

  /** The admin-client request that creates this topic. */
  public NewTopic toNewTopic() {
    return new NewTopic(name, partitions, replicationFactor).configs(configs);
  }

  @Override
  public String toString() {
    return name + "(partitions=" + partitions + ", replicationFactor=" + replicationFactor + ", configs=" + configs + ")";
  }
}
