package io.neurostream.config;

import java.nio.file.Path;
import java.util.List;

/** Keys of {@code neurostream stack}: the embedded Kafka broker and schema registry. */
public final class StackKeys implements ConfigKeySet {

  public static final ConfigKey<Integer> KAFKA_PORT = ConfigKey.of(
      "stack.kafka.port", ValueType.port(true), 9092, "Port of the embedded Kafka broker; 0 picks a free port.");

  public static final ConfigKey<Integer> REGISTRY_PORT = ConfigKey.of(
      "stack.registry.port", ValueType.port(true), 8081, "Port of the embedded schema registry; 0 picks a free port.");

  public static final ConfigKey<Path> DATA_DIR = ConfigKey.of(
      "stack.data.dir", ValueType.path(), Path.of("neurostream-data", "kafka"),
      "Broker data directory; a restart on the same directory keeps topics, records and schema ids.");

  public static final ConfigKey<String> HOST = ConfigKey.of(
      "stack.host", ValueType.string(), "localhost",
      "Interface the broker and registry listen on; 0.0.0.0 in a container.");

  public static final ConfigKey<String> ADVERTISED_HOST = ConfigKey.optional(
      "stack.advertised.host", ValueType.string(),
      "Host name clients are told to connect to; defaults to the listen host (localhost for 0.0.0.0).");

  @Override
  public String service() {
    return "stack";
  }

  @Override
  public List<ConfigKey<?>> keys() {
    return List.of(KAFKA_PORT, REGISTRY_PORT, DATA_DIR, HOST, ADVERTISED_HOST);
  }

  @Override
  public List<String> check(Configuration c) {
    int kafka = c.get(KAFKA_PORT);
    if (kafka != 0 && kafka == c.get(REGISTRY_PORT)) {
      return List.of(c.describe(KAFKA_PORT) + " and " + c.describe(REGISTRY_PORT)
          + " are the same port; give the registry another one");
    }
    return List.of();
  }
}
