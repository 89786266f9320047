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

  private final boolean withRegistry;
  private Path dir;
  private EmbeddedKafka kafka;
  private EmbeddedSchemaRegistry registry;
  private int stoppedRegistryPort;

  private KafkaStack(boolean withRegistry) {
    this.withRegistry = withRegistry;
  }

  /** Broker, every topic and the registry: what the services need. */
  public static KafkaStack withRegistry() {
    return new KafkaStack(true);
  }

  /** The broker alone, for tests that run registries of their own on it. */
  public static KafkaStack brokerOnly() {
    return new KafkaStack(false);
  }

  /** Starts it now, in a temporary directory that {@link #close()} deletes. */
  public KafkaStack start() {
    try {
      dir = Files.createTempDirectory("neurostream-kafka-stack");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    kafka = EmbeddedKafka.start(dir.resolve("kafka"), 0);
    try {
      if (withRegistry) {
        try (Admin admin = Admin.create(client())) {
          new TopicProvisioner(admin, Duration.ofSeconds(60))
              .provision(Topics.all(), TopicProvisioner.Mode.CREATE);
        }
        registry = EmbeddedSchemaRegistry.start(0, kafka.bootstrapServers());
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

  public String bootstrap() {
    return kafka.bootstrapServers();
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
    return Map.of("bootstrap.servers", kafka.bootstrapServers());
  }

  /** Serde configuration: the registry. */
  public Map<String, Object> serdeConfig() {
    return Map.of("schema.registry.url", registryUrl());
  }

  /** The settings every service of this stack needs, as configuration overrides. */
  public Map<String, String> settings(Path stateDir) {
    Map<String, String> s = new HashMap<>();
    s.put("bootstrap.servers", bootstrap());
    s.put("schema.registry.url", registryUrl());
    s.put("state.dir", stateDir.toString());
    s.put("metrics.port", "0");
    return s;
  }

  /** The command-line flags that point a CLI command or child service at this stack. */
  public String[] connectionFlags() {
    return new String[] {"--bootstrap", bootstrap(), "--registry", registryUrl()};
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
