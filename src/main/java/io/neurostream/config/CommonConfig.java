package io.neurostream.config;

import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * The {@link CommonKeys} as a typed record, with the property maps Kafka clients and Avro serdes
 * are built from. Services embed it in their own config record.
 *
 * @param bootstrapServers Kafka brokers, {@code host:port,...}
 * @param schemaRegistryUrls the registry's URLs
 * @param basicAuthCredentialsSource Confluent's credentials source, or {@code null}
 * @param basicAuthUserInfo {@code user:password} for the registry, or {@code null}
 * @param autoRegisterSchemas whether serializers may register schemas
 * @param replicationFactor replicas of created and internal topics
 * @param metricsPort port of the metrics and health endpoints
 * @param stateDir local state directory
 * @param djlCacheDir DJL cache directory
 * @param kafkaClientProperties passed-through Kafka client properties (security, SASL, tuning)
 * @param serdeOptions the {@link CommonKeys#SERDE_OPTIONS} that are set, by name, for the serdes
 * @param bootstrapWait how long to wait for Kafka at start ({@code bootstrap.wait.ms})
 * @param livenessDeadline how long a part may be blocked before /live fails
 *     ({@code liveness.deadline.ms})
 */
public record CommonConfig(
    String bootstrapServers,
    List<URI> schemaRegistryUrls,
    String basicAuthCredentialsSource,
    String basicAuthUserInfo,
    boolean autoRegisterSchemas,
    short replicationFactor,
    int metricsPort,
    Path stateDir,
    Path djlCacheDir,
    Map<String, String> kafkaClientProperties,
    Map<String, Object> serdeOptions,
    Duration bootstrapWait,
    Duration livenessDeadline) {

  public CommonConfig {
    schemaRegistryUrls = List.copyOf(schemaRegistryUrls);
    kafkaClientProperties = Map.copyOf(kafkaClientProperties);
    serdeOptions = Map.copyOf(serdeOptions);
  }

  /** Reads the common keys from a configuration that loaded {@link CommonKeys}. */
  public static CommonConfig from(Configuration c) {
    return new CommonConfig(
        c.get(CommonKeys.BOOTSTRAP_SERVERS),
        c.get(CommonKeys.SCHEMA_REGISTRY_URL),
        c.get(CommonKeys.BASIC_AUTH_CREDENTIALS_SOURCE),
        c.get(CommonKeys.BASIC_AUTH_USER_INFO),
        c.get(CommonKeys.AUTO_REGISTER_SCHEMAS),
        c.get(CommonKeys.REPLICATION_FACTOR).shortValue(),
        c.get(CommonKeys.METRICS_PORT),
        c.get(CommonKeys.STATE_DIR),
        c.get(CommonKeys.DJL_CACHE_DIR),
        c.kafkaClientProperties(),
        serdeOptions(c),
        c.get(CommonKeys.BOOTSTRAP_WAIT),
        c.get(CommonKeys.LIVENESS_DEADLINE));
  }

  private static Map<String, Object> serdeOptions(Configuration c) {
    Map<String, Object> options = new LinkedHashMap<>();
    for (ConfigKey<?> key : CommonKeys.SERDE_OPTIONS) {
      c.find(key).ifPresent(value -> options.put(key.name(), value));
    }
    return options;
  }

  /** Properties for any Kafka client: the passed-through ones plus {@code bootstrap.servers}. */
  public Map<String, Object> kafkaProperties() {
    Map<String, Object> props = new LinkedHashMap<>(kafkaClientProperties);
    props.put("bootstrap.servers", bootstrapServers);
    return props;
  }


  /** Serde configuration in Confluent's property names, for {@code Topic.valueSerde(...)}. */
  public Map<String, Object> serdeConfig() {
    Map<String, Object> serde = new LinkedHashMap<>();
    serde.put("schema.registry.url", schemaRegistryUrls.stream().map(URI::toString).collect(Collectors.joining(",")));
    serde.put("auto.register.schemas", autoRegisterSchemas);
    if (basicAuthCredentialsSource != null) {
      serde.put("basic.auth.credentials.source", basicAuthCredentialsSource);
    }
    if (basicAuthUserInfo != null) {
      serde.put("basic.auth.user.info", basicAuthUserInfo);
    }
    serde.putAll(serdeOptions);
    return serde;
  }

  @Override
  public String toString() {
    return "CommonConfig[bootstrapServers=" + bootstrapServers + ", schemaRegistryUrls=" + schemaRegistryUrls
        + ", replicationFactor=" + replicationFactor + ", metricsPort=" + metricsPort + ", stateDir=" + stateDir
        + ", djlCacheDir=" + djlCacheDir + ", kafkaClientProperties=" + KafkaClientProperties.masked(kafkaClientProperties)
        + (basicAuthUserInfo == null ? "" : ", basicAuthUserInfo=******") + "]";
  }
}
