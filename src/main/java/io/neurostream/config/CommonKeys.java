package io.neurostream.config;

import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
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

  public static final ConfigKey<Duration> BOOTSTRAP_WAIT = ConfigKey.of(
      "bootstrap.wait.ms", ValueType.millis(Duration.ofSeconds(1), Duration.ofHours(1)),
      Duration.ofSeconds(15), "How long a command or service waits at start for Kafka to answer "
          + "before it exits with one line naming --bootstrap.");

  public static final ConfigKey<Duration> LIVENESS_DEADLINE = ConfigKey.of(
      "liveness.deadline.ms", ValueType.millis(Duration.ofSeconds(1), Duration.ofHours(24)),
      Duration.ofMinutes(2), "How long a part of a service may be blocked (registry or Kafka "
          + "unreachable, no model, a stream thread not polling) before /live turns 503.");

  // The serdes' other settings (SchemaRegistryConfig), under Confluent's names. Optional: unset
  // leaves the serde's own default, so they reach the serdes only when given.

  public static final ConfigKey<Boolean> USE_LATEST_VERSION = ConfigKey.optional(
      "use.latest.version", ValueType.bool(),
      "Serializers write with the subject's latest schema instead of the record's own (serde default false).");

  public static final ConfigKey<Boolean> LATEST_COMPATIBILITY_STRICT = ConfigKey.optional(
      "latest.compatibility.strict", ValueType.bool(),
      "With use.latest.version, refuse a latest schema that cannot read the record's own (serde default true).");

  public static final ConfigKey<Integer> LATEST_CACHE_TTL_SEC = ConfigKey.optional(
      "latest.cache.ttl.sec", ValueType.intIn(-1, Integer.MAX_VALUE),
      "Seconds a serializer trusts a looked-up latest schema; -1 for ever (serde default).");

  public static final ConfigKey<Boolean> SPECIFIC_AVRO_READER = ConfigKey.optional(
      "specific.avro.reader", ValueType.bool(),
      "Generic deserializers return the generated classes (serde default false).");

  public static final ConfigKey<Boolean> NORMALIZE_SCHEMAS = ConfigKey.optional(
      "normalize.schemas", ValueType.bool(),
      "Ask the registry to normalize schemas on register (serde default false).");

  public static final ConfigKey<String> SCHEMA_REGISTRY_BASIC_AUTH_USER_INFO = ConfigKey.optional(
      "schema.registry.basic.auth.user.info", ValueType.string(),
      "Registry credentials as user:password, read when basic.auth.user.info is not set.").asSecret();

  public static final ConfigKey<String> SCHEMA_REGISTRY_TRUSTSTORE_LOCATION = ConfigKey.optional(
      "schema.registry.ssl.truststore.location", ValueType.string(),
      "Trust store for HTTPS to the registry (PKCS12 files load too).");

  public static final ConfigKey<String> SCHEMA_REGISTRY_TRUSTSTORE_PASSWORD = ConfigKey.optional(
      "schema.registry.ssl.truststore.password", ValueType.string(),
      "Password of the registry trust store.").asSecret();

  public static final ConfigKey<String> SCHEMA_REGISTRY_TRUSTSTORE_TYPE = ConfigKey.optional(
      "schema.registry.ssl.truststore.type", ValueType.string(),
      "Type of the registry trust store (serde default JKS).");

  public static final ConfigKey<String> SCHEMA_REGISTRY_KEYSTORE_LOCATION = ConfigKey.optional(
      "schema.registry.ssl.keystore.location", ValueType.string(),
      "Key store with the client certificate for mutual TLS with the registry.");

  public static final ConfigKey<String> SCHEMA_REGISTRY_KEYSTORE_PASSWORD = ConfigKey.optional(
      "schema.registry.ssl.keystore.password", ValueType.string(),
      "Password of the registry key store.").asSecret();

  public static final ConfigKey<String> SCHEMA_REGISTRY_KEYSTORE_TYPE = ConfigKey.optional(
      "schema.registry.ssl.keystore.type", ValueType.string(),
      "Type of the registry key store (serde default JKS).");

  public static final ConfigKey<String> SCHEMA_REGISTRY_KEY_PASSWORD = ConfigKey.optional(
      "schema.registry.ssl.key.password", ValueType.string(),
      "Password of the client key in the registry key store (default: the key store's).").asSecret();

  public static final ConfigKey<Integer> MAX_RETRIES = ConfigKey.optional(
      "max.retries", ValueType.intIn(0, Integer.MAX_VALUE),
      "Registry retries after a 5xx answer or an I/O error (serde default 3).");

  public static final ConfigKey<Integer> RETRIES_WAIT_MS = ConfigKey.optional(
      "retries.wait.ms", ValueType.intIn(0, Integer.MAX_VALUE),
      "First back-off before a registry retry in ms, doubling on each retry (serde default 1000).");

  public static final ConfigKey<Integer> RETRIES_MAX_WAIT_MS = ConfigKey.optional(
      "retries.max.wait.ms", ValueType.intIn(0, Integer.MAX_VALUE),
      "Longest back-off before a registry retry in ms (serde default 20000).");

  public static final ConfigKey<Integer> HTTP_CONNECT_TIMEOUT_MS = ConfigKey.optional(
      "http.connect.timeout.ms", ValueType.intIn(1, Integer.MAX_VALUE),
      "Connect timeout of registry requests in ms (serde default 10000).");

  public static final ConfigKey<Integer> HTTP_READ_TIMEOUT_MS = ConfigKey.optional(
      "http.read.timeout.ms", ValueType.intIn(1, Integer.MAX_VALUE),
      "Bound of one registry request in ms, so nothing hangs (serde default 30000).");

  public static final ConfigKey<Boolean> AVRO_REMOVE_JAVA_PROPERTIES = ConfigKey.optional(
      "avro.remove.java.properties", ValueType.bool(),
      "Serializers register and look up schemas without avro.java.string, i.e. the contracts of "
          + "schemas/*.avsc (serde default true).");

  /** The serde settings passed to the serdes as given, beyond the typed ones above. */
  public static final List<ConfigKey<?>> SERDE_OPTIONS = List.of(USE_LATEST_VERSION,
      LATEST_COMPATIBILITY_STRICT, LATEST_CACHE_TTL_SEC, SPECIFIC_AVRO_READER, NORMALIZE_SCHEMAS,
      SCHEMA_REGISTRY_BASIC_AUTH_USER_INFO, SCHEMA_REGISTRY_TRUSTSTORE_LOCATION,
      SCHEMA_REGISTRY_TRUSTSTORE_PASSWORD, SCHEMA_REGISTRY_TRUSTSTORE_TYPE,
      SCHEMA_REGISTRY_KEYSTORE_LOCATION, SCHEMA_REGISTRY_KEYSTORE_PASSWORD,
      SCHEMA_REGISTRY_KEYSTORE_TYPE, SCHEMA_REGISTRY_KEY_PASSWORD, MAX_RETRIES, RETRIES_WAIT_MS,
      RETRIES_MAX_WAIT_MS, HTTP_CONNECT_TIMEOUT_MS, HTTP_READ_TIMEOUT_MS,
      AVRO_REMOVE_JAVA_PROPERTIES);

  @Override
  public String service() {
    return "common";
  }

  @Override
  public List<ConfigKey<?>> keys() {
    List<ConfigKey<?>> keys = new ArrayList<>(List.of(BOOTSTRAP_SERVERS, SCHEMA_REGISTRY_URL,
        BASIC_AUTH_CREDENTIALS_SOURCE, BASIC_AUTH_USER_INFO, AUTO_REGISTER_SCHEMAS, REPLICATION_FACTOR,
        METRICS_PORT, STATE_DIR, DJL_CACHE_DIR, BOOTSTRAP_WAIT, LIVENESS_DEADLINE));
    keys.addAll(SERDE_OPTIONS);
    return List.copyOf(keys);
  }

  @Override
  public List<String> check(Configuration c) {
    // the serde takes the credentials from either name, as Confluent's does
    if ("USER_INFO".equals(c.get(BASIC_AUTH_CREDENTIALS_SOURCE)) && c.get(BASIC_AUTH_USER_INFO) == null
        && c.get(SCHEMA_REGISTRY_BASIC_AUTH_USER_INFO) == null) {
      return List.of(c.describe(BASIC_AUTH_CREDENTIALS_SOURCE) + " needs basic.auth.user.info; set "
          + BASIC_AUTH_USER_INFO.envName() + "=user:password");
    }
    return List.of();
  }
}
