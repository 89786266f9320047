package io.neurostream.trainer;

import ai.djl.Device;
import ai.djl.engine.Engine;
import io.neurostream.config.CommonKeys;
import io.neurostream.config.ConfigSources;
import io.neurostream.config.Configuration;
import io.neurostream.platform.EmbeddedKafka;
import io.neurostream.kafka.TopicProvisioner;
import io.neurostream.kafka.Topics;
import io.neurostream.model.BundleMetadata;
import io.neurostream.model.ModelBundle;
import io.neurostream.model.ModelSpec;
import io.neurostream.model.Normalization;
import io.neurostream.model.ScanClassifierModel;
import io.neurostream.platform.registry.EmbeddedSchemaRegistry;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import org.apache.kafka.clients.admin.Admin;

/** An embedded broker with every topic and a Kafka-backed schema registry, for trainer tests. */
final class TestStack implements AutoCloseable {

  /** A small network for tests: ResNet18 at 40 px with a narrow head. */
  static final ModelSpec SMALL =
      ModelSpec.builder().optDepth(18).optInputSize(40).optHiddenUnits(32).optDropout(0f).build();

  final EmbeddedKafka kafka;
  final EmbeddedSchemaRegistry registry;

  private TestStack(EmbeddedKafka kafka, EmbeddedSchemaRegistry registry) {
    this.kafka = kafka;
    this.registry = registry;
  }

  static TestStack start(Path dir) {
    EmbeddedKafka kafka = EmbeddedKafka.start(dir.resolve("kafka"), 0);
    try (Admin admin = Admin.create(Map.of("bootstrap.servers", kafka.bootstrapServers()))) {
      new TopicProvisioner(admin, Duration.ofSeconds(60)).provision(Topics.all(), TopicProvisioner.Mode.CREATE);
    }
    return new TestStack(kafka, EmbeddedSchemaRegistry.start(0, kafka.bootstrapServers()));
  }

  Map<String, Object> client() {
    return Map.of("bootstrap.servers", kafka.bootstrapServers());
  }

  Map<String, Object> serde() {
    return Map.of("schema.registry.url", registry.url());
  }

  /** The settings every service of this stack needs, as configuration overrides. */
  Map<String, String> settings(Path stateDir) {
    Map<String, String> s = new HashMap<>();
    s.put("bootstrap.servers", kafka.bootstrapServers());
    s.put("schema.registry.url", registry.url());
    s.put("state.dir", stateDir.toString());
    s.put("metrics.port", "0");
    return s;
  }

  TrainerConfig trainerConfig(Path stateDir, Map<String, String> more) {
    Map<String, String> s = settings(stateDir);
    s.putAll(more);
    return TrainerConfig.from(Configuration.load(
        ConfigSources.builder().optEnv(Map.of()).optOverrides(s).build(),
        new CommonKeys(), new TrainerKeys()));
  }

  /** A bundle of a freshly initialized small network. */
  static Path randomBundle(Path dir, String version, int seed) {
    Engine.getInstance().setRandomSeed(seed);
    try (ScanClassifierModel model = ScanClassifierModel.create(SMALL, Normalization.DEFAULT, Device.cpu())) {
      return ModelBundle.write(model, BundleMetadata.of(model, version, null, Map.of(), Map.of()),
          dir.resolve(version + ".bundle")).path();
    }
  }

  @Override
  public void close() {
    registry.close();
    kafka.close();
  }
}
