package io.neurostream.config;

import java.net.URI;
import java.nio.file.Path;
import java.util.List;

/**
 * Keys shared by the services that talk to Kafka and the schema registry. Services load them
 * together with their own set: {@code Configuration.load(sources, new CommonKeys(), new
 * ClassifierKeys())}, and read them through {@link CommonConfig}.
 */
public final class CommonKeys implements ConfigKeySet {

  public static final ConfigKey<String> BOOTSTRAP_SERVERS = ConfigKey.of(
      "bootstrap.servers", ValueType.hostPorts(), "localhost:9092",
      "Kafka brokers to bootstrap from.").withEnv("KAFKA_BOOTSTRAP_SERVERS");

  public static final ConfigKey<List<URI>> SCHEMA_REGISTRY_URL = ConfigKey.of(
      "schema.registry.url", ValueType.httpUrls(), List.of(URI.create("http://localhost:8081")),
      "Confluent-compatible schema registry (the embedded one or Confluent's).");

  public static final ConfigKey<String> BASIC_AUTH_CREDENTIALS_SOURCE = ConfigKey.optional(
      "basic.auth.credentials.source", ValueType.oneOf("USER_INFO", "URL", "SASL_INHERIT"),
      "Where the registry client takes HTTP basic-auth credentials from (Confluent's property).");

  public static final ConfigKey<String> BASIC_AUTH_USER_INFO = ConfigKey.optional(
      "basic.auth.user.info", ValueType.string(),
      "Registry credentials as user:password when the source is USER_INFO.").asSecret();

  public static final ConfigKey<Boolean> AUTO_REGISTER_SCHEMAS = ConfigKey.of(
      "auto.register.schemas", ValueType.bool(), Boolean.TRUE,
      "Whether serializers register new schemas; false in production, where CI registers them.");

  public static final ConfigKey<Integer> REPLICATION_FACTOR = ConfigKey.of(
      "replication.factor", ValueType.intIn(1, 32), 1,
      "Replicas of the topics we create and of Kafka Streams' internal topics; 3 in production.");

  public static final ConfigKey<Integer> METRICS_PORT = ConfigKey.of(
      "metrics.port", ValueType.port(true), 9404,
      "HTTP port of /metrics (Prometheus) and the health endpoints; 0 picks a free port.");

  public static final ConfigKey<Path> STATE_DIR = ConfigKey.of(
      "state.dir", ValueType.path(), Path.of(System.getProperty("java.io.tmpdir"), "neurostream", "state"),
      "Local state of Kafka Streams and the trainer; put it on a persistent volume.");

  public static final ConfigKey<Path> DJL_CACHE_DIR = ConfigKey.of(
      "djl.cache.dir", ValueType.path(), Path.of(System.getProperty("user.home"), ".djl.ai"),
      "DJL engine cache (native libraries are unpacked here); must be writable.");

  @Override
  public String service() {
    return "common";
  }

  @Override
  public List<ConfigKey<?>> keys() {
    return List.of(BOOTSTRAP_SERVERS, SCHEMA_REGISTRY_URL, BASIC_AUTH_CREDENTIALS_SOURCE, BASIC_AUTH_USER_INFO,
        AUTO_REGISTER_SCHEMAS, REPLICATION_FACTOR, METRICS_PORT, STATE_DIR, DJL_CACHE_DIR);
  }

  @Override
  public List<String> check(Configuration c) {
    if ("USER_INFO".equals(c.get(BASIC_AUTH_CREDENTIALS_SOURCE)) && c.get(BASIC_AUTH_USER_INFO) == null) {
      return List.of(c.describe(BASIC_AUTH_CREDENTIALS_SOURCE) + " needs basic.auth.user.info; set "
          + BASIC_AUTH_USER_INFO.envName() + "=user:password");
    }
    return List.of();
  }
}
