package io.neurostream.platform.registry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.neurostream.avro.LabeledScan;
import io.neurostream.avro.Prediction;
import io.neurostream.avro.ScanEvent;
import io.neurostream.platform.KafkaStack;
import io.neurostream.serde.AvroSerdes;
import io.neurostream.serde.RestSchemaRegistryClient;
import io.neurostream.serde.SchemaRegistryConfig;
import io.neurostream.serde.SchemaRegistryException;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.serialization.Serde;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The Kafka-backed registry against a real in-process KRaft broker: what it stores in
 * {@code _schemas} survives a restart of the registry.
 */
@Timeout(value = 6, unit = TimeUnit.MINUTES)
class SchemaRegistryRestartIT {

  private static KafkaStack kafka;

  @BeforeAll
  static void startKafka() throws Exception {
    kafka = KafkaStack.brokerOnly().start();
  }

  @AfterAll
  static void stopKafka() throws Exception {
    kafka.close();
  }

  private static RestSchemaRegistryClient client(EmbeddedSchemaRegistry registry) {
    return RestSchemaRegistryClient.fromConfig(Map.of(SchemaRegistryConfig.URL, registry.url()));
  }

  /** ScanEvent's schema as producers register it: the contract, without Avro's Java-only properties. */
  private static final org.apache.avro.Schema CONTRACT_SCAN =
      io.neurostream.serde.JavaProperties.strip(ScanEvent.getClassSchema());

  @Test
  void shouldKeepIdsVersionsAndConfigAcrossARestartAndNeverReuseAnId() throws Exception {
    // given: a registry that registered schemas, set a level and soft-deleted a subject
    int scanId;
    int predictionId;
    byte[] written;
    try (EmbeddedSchemaRegistry first = EmbeddedSchemaRegistry.start(0, kafka.bootstrap())) {
      RestSchemaRegistryClient client = client(first);
      scanId = client.register("mri.scans-value", CONTRACT_SCAN);
      predictionId = client.register("mri.predictions-value", Prediction.getClassSchema());
      client.register("doomed-value", Prediction.getClassSchema());
      http(first, "PUT", "/config/mri.predictions-value", "{\"compatibility\":\"NONE\"}");
      http(first, "DELETE", "/subjects/doomed-value", null);
      try (Serde<ScanEvent> serde = AvroSerdes.specific(ScanEvent.class,
          Map.of(SchemaRegistryConfig.URL, first.url()), false)) {
        written = serde.serializer().serialize("mri.scans", scanOf(3));
      }
    }

    // when: a new registry starts on the same broker
    try (EmbeddedSchemaRegistry second = EmbeddedSchemaRegistry.start(0, kafka.bootstrap())) {
      RestSchemaRegistryClient client = client(second);

      // then: same schema, same id; old ids resolve; a new schema gets a fresh id
      assertThat(client.register("mri.scans-value", CONTRACT_SCAN)).isEqualTo(scanId);
      assertThat(client.getVersions("mri.scans-value")).containsExactly(1);
      assertThat(client.getSchemaById(predictionId)).isEqualTo(Prediction.getClassSchema());
      int labeledId = client.register("mri.labels-value", LabeledScan.getClassSchema());
      assertThat(labeledId).isGreaterThan(Math.max(scanId, predictionId));
      assertThat(http(second, "GET", "/config/mri.predictions-value", null))
          .contains("\"compatibilityLevel\":\"NONE\"");
      assertThat(client.getSubjects()).doesNotContain("doomed-value");
      assertThatThrownBy(() -> client.getLatest("doomed-value"))
          .isInstanceOfSatisfying(SchemaRegistryException.class,
              e -> assertThat(e.errorCode()).isEqualTo(40401));
      // and records written before the restart still read
      try (Serde<ScanEvent> serde = AvroSerdes.specific(ScanEvent.class,
          Map.of(SchemaRegistryConfig.URL, second.url()), false)) {
        assertThat(serde.deserializer().deserialize("mri.scans", written)).isEqualTo(scanOf(3));
      }
    }

    // and a third start still continues the sequence
    try (EmbeddedSchemaRegistry third = EmbeddedSchemaRegistry.start(0, kafka.bootstrap())) {
      RestSchemaRegistryClient client = client(third);
      int next = client.register("fresh-value", io.neurostream.avro.DeadLetter.getClassSchema());
      assertThat(next).isGreaterThan(client.getLatest("mri.labels-value").id());
    }
  }

  @Test
  void shouldKeepSchemasInACompactedSinglePartitionTopic() throws Exception {
    try (EmbeddedSchemaRegistry registry = EmbeddedSchemaRegistry.start(0, kafka.bootstrap());
        Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG,
            kafka.bootstrap()))) {
      client(registry).register("topic-check-value", ScanEvent.getClassSchema());

      TopicDescription topic = admin.describeTopics(List.of("_schemas")).allTopicNames().get()
          .get("_schemas");
      ConfigResource resource = new ConfigResource(ConfigResource.Type.TOPIC, "_schemas");
      Config config = admin.describeConfigs(List.of(resource)).all().get().get(resource);

      assertThat(topic.partitions()).hasSize(1);
      assertThat(config.get("cleanup.policy").value()).isEqualTo("compact");
    }
  }

  private static ScanEvent scanOf(long seed) {
    return ScanEvent.newBuilder()
        .setIdentity(io.neurostream.avro.ScanIdentity.newBuilder()
            .setStudyInstanceUid("1.2." + seed).setSeriesInstanceUid("1.2." + seed + ".1")
            .setSopInstanceUid("1.2." + seed + ".1.1").setPatientKey("pk-" + seed).build())
        .setAcquisitionTime(java.time.Instant.ofEpochMilli(1_700_000_000_000L + seed))
        .setSource("IT")
        .setEncoding(io.neurostream.avro.ImageEncoding.RAW_U8)
        .setWidth(2).setHeight(2)
        .setImage(java.nio.ByteBuffer.wrap(new byte[] {1, 2, 3, (byte) seed}))
        .build();
  }

  private static String http(EmbeddedSchemaRegistry registry, String method, String path,
      String body) throws Exception {
    var request = java.net.http.HttpRequest.newBuilder(java.net.URI.create(registry.url() + path))
        .header("Content-Type", "application/vnd.schemaregistry.v1+json")
        .method(method, body == null ? java.net.http.HttpRequest.BodyPublishers.noBody()
            : java.net.http.HttpRequest.BodyPublishers.ofString(body))
        .build();
    var response = java.net.http.HttpClient.newHttpClient()
        .send(request, java.net.http.HttpResponse.BodyHandlers.ofString());
    assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
    return response.body();
  }
}
