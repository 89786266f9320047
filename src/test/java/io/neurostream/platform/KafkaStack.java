package io.neurostream.platform;

import io.neurostream.kafka.TopicProvisioner;
import io.neurostream.kafka.Topics;
import io.neurostream.platform.registry.EmbeddedSchemaRegistry;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.HashMap;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.apache.kafka.clients.admin.Admin;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * The one Kafka fixture of the tests: a real in-process KRaft broker ({@link EmbeddedKafka}) and,
 * unless asked for the broker alone, every NeuroStream topic and our schema registry on it.
 *
 * <p>As a JUnit 5 extension on a static field it starts before the class's tests and stops after
 * them:
 *
 * <pre>{@code
 * @RegisterExtension static final KafkaStack stack = KafkaStack.withRegistry();
 * }</pre>
 *
 * <p>It can also be started and closed by hand ({@link #start()}, try-with-resources) when a test
 * needs a stack of its own.
 */
public final class KafkaStack implements BeforeAllCallback, AfterAllCallback, AutoCloseable {

  /** SCRAM-SHA-512 login of the secured stack's clients. */
  public static final String KAFKA_USER = "neurostream";
  public static final String KAFKA_PASSWORD = "kafka-secret-1";
  /** HTTP basic-auth login of the secured stack's registry. */
  public static final String REGISTRY_USER = "registry-client";
  public static final String REGISTRY_PASSWORD = "registry-secret-1";
  private static final String STORE_PASSWORD = "store-secret-1";

  private final boolean withRegistry;
  private final boolean secured;
  private Path dir;
  private EmbeddedKafka kafka;
  private EmbeddedSchemaRegistry registry;
  private TestCertificates certificates;
  private Path configFile;
  private int stoppedRegistryPort;

  private KafkaStack(boolean withRegistry, boolean secured) {
    this.withRegistry = withRegistry;
    this.secured = secured;
  }

  /** Broker, every topic and the registry: what the services need. */
  public static KafkaStack withRegistry() {
    return new KafkaStack(true, false);
  }

  /** The broker alone, for tests that run registries of their own on it. */
  public static KafkaStack brokerOnly() {
    return new KafkaStack(false, false);
  }

  /**
   * Broker, topics and registry as a managed deployment secures them: clients reach Kafka only
   * through TLS + SASL/SCRAM-SHA-512 ({@link #KAFKA_USER}) and the registry only through HTTPS
   * with basic auth ({@link #REGISTRY_USER}), with certificates made at start. {@link
   * #bootstrap()}, {@link #client()}, {@link #settings} and {@link #connectionFlags()} carry the
   * security settings; {@link #configFile()} holds them all as a configuration file.
   */
  public static KafkaStack secured() {
    return new KafkaStack(true, true);
  }

  /** Starts it now, in a temporary directory that {@link #close()} deletes. */
  public KafkaStack start() {
    try {
      dir = Files.createTempDirectory("neurostream-kafka-stack");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    try {
      EmbeddedKafka.Builder broker = EmbeddedKafka.builder().setDataDir(dir.resolve("kafka"));
      if (secured) {
        certificates = TestCertificates.create(dir.resolve("tls"), STORE_PASSWORD);
        broker.optSaslSsl(new SaslSslListener(certificates.keyStore(), STORE_PASSWORD,
            TestCertificates.TYPE, Map.of(KAFKA_USER, KAFKA_PASSWORD)));
      }
      kafka = broker.start();
      if (withRegistry) {
        try (Admin admin = Admin.create(client())) {
          new TopicProvisioner(admin, Duration.ofSeconds(60))
              .provision(Topics.all(), TopicProvisioner.Mode.CREATE);
        }
        EmbeddedSchemaRegistry.Builder builder = EmbeddedSchemaRegistry.builder().optKafka(bootstrap());
        if (secured) {
          builder.optKafkaClientProperties(kafkaSecurity())
              .optBasicAuth(REGISTRY_USER, REGISTRY_PASSWORD)
              .optTls(certificates.serverContext());
        }
        registry = builder.start();
      }
      if (secured) {
        configFile = writeConfigFile(dir.resolve("secured-client.properties"));
      }
      return this;
    } catch (RuntimeException e) {
      close();
      throw e;
    }
  }

  @Override
  public void beforeAll(ExtensionContext context) {
    start();
  }

  @Override
  public void afterAll(ExtensionContext context) {
    close();
  }

  /** Where clients connect: the SASL_SSL listener of a secured stack, else the plaintext one. */
  public String bootstrap() {
    return secured ? kafka.saslSslBootstrapServers() : kafka.bootstrapServers();
  }

  public String registryUrl() {
    if (registry == null) {
      throw new IllegalStateException("this stack runs no registry; use KafkaStack.withRegistry()");
    }
    return registry.url();
  }

  /** The broker, for tests that stop or restart it. */
  public EmbeddedKafka kafka() {
    return kafka;
  }

  /**
   * Stops the broker (a controlled shutdown; the registry stays up, unable to reach it), keeping
   * its data directory for {@link #startBroker()}.
   */
  public void stopBroker() {
    if (secured) {
      throw new UnsupportedOperationException("stopBroker/startBroker restart a plaintext stack");
    }
    kafka.close();
  }

  /** Starts the broker again on the port and data directory it had; clients reconnect by themselves. */
  public void startBroker() {
    kafka = EmbeddedKafka.start(dir.resolve("kafka"), port(bootstrap()));
  }

  /** Stops the registry: clients get connection refused until {@link #startRegistry()}. */
  public void stopRegistry() {
    stoppedRegistryPort = registry.port();
    registry.close();
  }

  /** Starts the registry again on the port it had, reading its schemas back from Kafka. */
  public void startRegistry() {
    registry = EmbeddedSchemaRegistry.start(stoppedRegistryPort, bootstrap());
  }

  private static int port(String hostPort) {
    return Integer.parseInt(hostPort.substring(hostPort.lastIndexOf(':') + 1));
  }

  /** Properties every client of this stack starts from. */
  public Map<String, Object> client() {
    Map<String, Object> client = new HashMap<>(kafkaSecurity());
    client.put("bootstrap.servers", bootstrap());
    return Map.copyOf(client);
  }

  /** Serde configuration: the registry (with its credentials and trust store if secured). */
  public Map<String, Object> serdeConfig() {
    Map<String, Object> serde = new HashMap<>(registrySecurity());
    serde.put("schema.registry.url", registryUrl());
    return Map.copyOf(serde);
  }

  /** The settings every service of this stack needs, as configuration overrides. */
  public Map<String, String> settings(Path stateDir) {
    Map<String, String> s = new HashMap<>(kafkaSecurity());
    s.putAll(registrySecurity());
    s.put("bootstrap.servers", bootstrap());
    s.put("schema.registry.url", registryUrl());
    s.put("state.dir", stateDir.toString());
    s.put("metrics.port", "0");
    return s;
  }

  /**
   * The command-line flags that point a CLI command or child service at this stack: {@code
   * --bootstrap} and {@code --registry}, or {@code --config} with the {@link #configFile()} of a
   * secured stack.
   */
  public String[] connectionFlags() {
    if (secured) {
      return new String[] {"--config", configFile().toString()};
    }
    return new String[] {"--bootstrap", bootstrap(), "--registry", registryUrl()};
  }

  /**
   * The configuration file of a secured stack: every setting a client needs, under the names the
   * operations guide documents (Kafka's client properties, Confluent's registry properties).
   */
  public Path configFile() {
    if (configFile == null) {
      throw new IllegalStateException("only a secured stack has a configuration file; use KafkaStack.secured()");
    }
    return configFile;
  }

  /** The Kafka client properties of a secured stack ({@code security.protocol}, ...); else none. */
  public Map<String, String> kafkaSecurity() {
    if (!secured) {
      return Map.of();
    }
    return Map.of(
        "security.protocol", "SASL_SSL",
        "sasl.mechanism", SaslSslListener.MECHANISM,
        "sasl.jaas.config", scramJaas(KAFKA_USER, KAFKA_PASSWORD),
        "ssl.truststore.location", certificates.trustStore().toString(),
        "ssl.truststore.password", STORE_PASSWORD,
        "ssl.truststore.type", TestCertificates.TYPE);
  }

  /** The JAAS line of a SCRAM login, as {@code sasl.jaas.config} takes it. */
  public static String scramJaas(String user, String password) {
    return "org.apache.kafka.common.security.scram.ScramLoginModule required username=\"" + user
        + "\" password=\"" + password + "\";";
  }

  /** The registry client properties of a secured stack (basic auth, trust store); else none. */
  public Map<String, String> registrySecurity() {
    if (!secured) {
      return Map.of();
    }
    return Map.of(
        "basic.auth.credentials.source", "USER_INFO",
        "basic.auth.user.info", REGISTRY_USER + ":" + REGISTRY_PASSWORD,
        "schema.registry.ssl.truststore.location", certificates.trustStore().toString(),
        "schema.registry.ssl.truststore.password", STORE_PASSWORD,
        "schema.registry.ssl.truststore.type", TestCertificates.TYPE);
  }

  private Path writeConfigFile(Path file) {
    Map<String, String> all = new TreeMap<>(kafkaSecurity());
    all.putAll(registrySecurity());
    all.put("bootstrap.servers", bootstrap());
    all.put("schema.registry.url", registryUrl());
    StringBuilder text = new StringBuilder("# written by KafkaStack.secured()\n");
    all.forEach((k, v) -> text.append(k).append('=').append(v).append('\n'));
    try {
      return Files.writeString(file, text);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @Override
  public void close() {
    try {
      if (registry != null) {
        registry.close();
      }
    } finally {
      registry = null;
      if (kafka != null) {
        kafka.close();
        kafka = null;
      }
      deleteDir();
    }
  }

  private void deleteDir() {
    if (dir == null) {
      return;
    }
    try (Stream<Path> files = Files.walk(dir)) {
      files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    } catch (IOException e) {
      // a leftover temporary directory is no test failure
    }
    dir = null;
  }
}
