package io.neurostream.platform;

import io.neurostream.kafka.TopicCheck;
import io.neurostream.kafka.TopicProvisioner;
import io.neurostream.kafka.Topics;
import io.neurostream.platform.registry.EmbeddedSchemaRegistry;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.apache.kafka.clients.admin.Admin;

/**
 * The demo's platform in this JVM: a KRaft broker on a free port, the schema registry on a free
 * port (schemas in the broker's {@code _schemas} topic), and every NeuroStream topic.
 */
public final class EmbeddedPlatform implements AutoCloseable {

  private final EmbeddedKafka kafka;
  private final EmbeddedSchemaRegistry registry;

  private EmbeddedPlatform(EmbeddedKafka kafka, EmbeddedSchemaRegistry registry) {
    this.kafka = kafka;
    this.registry = registry;
  }

  /** Starts broker, topics and registry; the data directory should be empty (a fresh demo). */
  public static EmbeddedPlatform start(Path dataDir) {
    EmbeddedKafka kafka = EmbeddedKafka.builder().setDataDir(dataDir).start();
    try {
      try (Admin admin = Admin.create(Map.of("bootstrap.servers", kafka.bootstrapServers()))) {
        for (TopicCheck check : new TopicProvisioner(admin, Duration.ofSeconds(30))
            .provision(Topics.all(), TopicProvisioner.Mode.CREATE)) {
          if (!check.state().inLine()) {
            throw new IllegalStateException("topic " + check.topic() + " differs from its declaration: "
                + check.differences().stream().map(TopicCheck.Difference::describe).toList()
                + "; start the demo on an empty --work-dir");
          }
        }
      }
      EmbeddedSchemaRegistry registry = EmbeddedSchemaRegistry.builder()
          .optKafka(kafka.bootstrapServers())
          .start();
      return new EmbeddedPlatform(kafka, registry);
    } catch (RuntimeException e) {
      kafka.close();
      throw e;
    }
  }

  public String bootstrapServers() {
    return kafka.bootstrapServers();
  }

  public String registryUrl() {
    return registry.url();
  }

  /** Client properties every demo client starts from. */
  public Map<String, Object> client() {
    return Map.of("bootstrap.servers", kafka.bootstrapServers());
  }

  /** Serde configuration: the registry. */
  public Map<String, Object> serdeConfig() {
    return Map.of("schema.registry.url", registry.url());
  }

  @Override
  public void close() {
    try {
      registry.close();
    } finally {
      kafka.close();
    }
  }
}
