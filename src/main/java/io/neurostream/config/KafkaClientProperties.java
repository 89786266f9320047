package io.neurostream.config;

import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.streams.StreamsConfig;

/**
 * Which names are Kafka client properties (producer, consumer, admin, Streams), so that
 * {@code KAFKA_SECURITY_PROTOCOL} or {@code security.protocol} in a file is passed through to the
 * clients, while {@code KAFKA_HEAP_OPTS} and typos are not.
 */
final class KafkaClientProperties {

  /** Env prefix of passed-through client properties: {@code KAFKA_SASL_JAAS_CONFIG}. */
  static final String ENV_PREFIX = "KAFKA_";
  /** Escape hatch for properties Kafka's own definitions do not list (plugins): {@code kafka.x.y}. */
  static final String FILE_PREFIX = "kafka.";

  private static final List<String> CLIENT_PREFIXES = List.of(
      "producer.", "consumer.", "admin.", "main.consumer.", "restore.consumer.", "global.consumer.");
  private static final List<ConfigDef> DEFS = List.of(
      ProducerConfig.configDef(), ConsumerConfig.configDef(), AdminClientConfig.configDef(), StreamsConfig.configDef());
  private static final Set<String> NAMES = names();

  private KafkaClientProperties() {}

  /** Whether Kafka's clients or Streams define {@code name} (also with a Streams client prefix). */
  static boolean isKnown(String name) {
    if (NAMES.contains(name)) {
      return true;
    }
    if (name.startsWith("topic.")) {
      return name.length() > "topic.".length();
    }
    for (String prefix : CLIENT_PREFIXES) {
      if (name.startsWith(prefix) && NAMES.contains(name.substring(prefix.length()))) {
        return true;
      }
    }
    return false;
  }

  /** {@code KAFKA_SECURITY_PROTOCOL} → {@code security.protocol}. */
  static String fromEnv(String variable) {
    return variable.substring(ENV_PREFIX.length()).toLowerCase(Locale.ROOT).replace('_', '.');
  }

  /** Passwords, JAAS configs and keys are never shown. */
  static boolean isSensitive(String name) {
    String bare = name;
    for (String prefix : CLIENT_PREFIXES) {
      if (bare.startsWith(prefix)) {
        bare = bare.substring(prefix.length());
      }
    }
    for (ConfigDef def : DEFS) {
      ConfigDef.ConfigKey key = def.configKeys().get(bare);
      if (key != null && key.type == ConfigDef.Type.PASSWORD) {
        return true;
      }
    }
    return bare.contains("password") || bare.contains("secret") || bare.contains("jaas") || bare.contains("user.info");
  }

  /** A copy of {@code props} fit for a log line. */
  static Map<String, String> masked(Map<String, String> props) {
    Map<String, String> out = new java.util.TreeMap<>();
    props.forEach((k, v) -> out.put(k, isSensitive(k) ? "******" : v));
    return out;
  }

  private static Set<String> names() {
    Set<String> all = new HashSet<>();
    for (ConfigDef def : DEFS) {
      all.addAll(def.names());
    }
    return Set.copyOf(all);
  }
}
