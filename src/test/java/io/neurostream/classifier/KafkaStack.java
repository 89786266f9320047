package io.neurostream.classifier;

import io.neurostream.platform.EmbeddedKafka;
import io.neurostream.kafka.TopicProvisioner;
import io.neurostream.kafka.Topics;
import io.neurostream.platform.registry.EmbeddedSchemaRegistry;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.apache.kafka.clients.admin.Admin;

/** The embedded broker and registry with every NeuroStream topic, for tests. */
public final class KafkaStack implements AutoCloseable {

  final EmbeddedKafka kafka;
  final EmbeddedSchemaRegistry registry;

  private KafkaStack(EmbeddedKafka kafka, EmbeddedSchemaRegistry registry) {
    this.kafka = kafka;
    this.registry = registry;
  }

  public static KafkaStack start(Path dataDir) {
    EmbeddedKafka kafka = EmbeddedKafka.start(dataDir, 0);
    try (Admin admin = Admin.create(Map.of("bootstrap.servers", kafka.bootstrapServers()))) {
      new TopicProvisioner(admin, Duration.ofSeconds(30))
          .provision(Topics.all(), TopicProvisioner.Mode.CREATE);
    }
    EmbeddedSchemaRegistry registry = EmbeddedSchemaRegistry.start(0, kafka.bootstrapServers());
    return new KafkaStack(kafka, registry);
  }

  public String bootstrap() {
    return kafka.bootstrapServers();
  }

  public Map<String, Object> client() {
    return Map.of("bootstrap.servers", kafka.bootstrapServers());
  }

  public Map<String, Object> serdeConfig() {
    return Map.of("schema.registry.url", registry.url());
  }

  @Override
  public void close() {
    registry.close();
    kafka.close();
  }
}
