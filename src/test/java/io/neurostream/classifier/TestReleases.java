package io.neurostream.classifier;

import io.neurostream.avro.ModelRelease;
import io.neurostream.avro.ReleaseStatus;
import io.neurostream.kafka.Topics;
import io.neurostream.platform.KafkaStack;
import io.neurostream.release.ArtifactDigest;
import io.neurostream.release.KafkaArtifactStore;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.Serializer;
import org.apache.kafka.common.serialization.StringSerializer;

/** Publishes model artifacts and releases the way the trainer does: chunks, then the release. */
public final class TestReleases implements AutoCloseable {

  private final KafkaProducer<String, byte[]> producer;
  private final Serializer<ModelRelease> releases;

  public TestReleases(KafkaStack stack) {
    Map<String, Object> props = new HashMap<>(stack.client());
    props.put(ProducerConfig.TRANSACTIONAL_ID_CONFIG, "test-releases-" + UUID.randomUUID());
    props.put(ProducerConfig.MAX_REQUEST_SIZE_CONFIG, 16 * 1024 * 1024);
    producer = new KafkaProducer<>(props, new StringSerializer(), new ByteArraySerializer());
    producer.initTransactions();
    releases = Topics.MODEL_RELEASES.valueSerde(stack.serdeConfig()).serializer();
  }

  /** Publishes {@code artifact} and a release of it with {@code status}; returns the release. */
  public ModelRelease publish(String version, byte[] artifact, ReleaseStatus status) {
    return publish(version, artifact, status, ArtifactDigest.sha256(artifact), Instant.now());
  }

  public ModelRelease publish(String version, byte[] artifact, ReleaseStatus status, String sha256,
      Instant createdAt) {
    producer.beginTransaction();
    String uri = KafkaArtifactStore.publish(producer, Topics.MODEL_ARTIFACTS.name(), version,
        artifact, Topics.ARTIFACT_CHUNK_BYTES);
    producer.commitTransaction();
    ModelRelease release = release(version, uri, artifact.length, sha256, status, createdAt);
    publish(release);
    return release;
  }

  /** Publishes a release record only (a rollback, a re-promotion). */
  public void publish(ModelRelease release) {
    producer.beginTransaction();
    producer.send(new ProducerRecord<>(Topics.MODEL_RELEASES.name(), release.getVersion(),
        releases.serialize(Topics.MODEL_RELEASES.name(), release)));
    producer.commitTransaction();
  }

  public static ModelRelease release(String version, String uri, long size, String sha256,
      ReleaseStatus status, Instant createdAt) {
    return ModelRelease.newBuilder()
        .setVersion(version)
        .setArchitecture("test")
        .setInputShape(List.of(3, 48, 48))
        .setClassNames(List.of("Non_Demented", "Very_Mild_Demented", "Mild_Demented",
            "Moderate_Demented"))
        .setArtifactSha256(sha256)
        .setArtifactSize(size)
        .setArtifactUri(uri)
        .setStatus(status)
        .setReason("test")
        .setCreatedAt(createdAt)
        .build();
  }

  @Override
  public void close() {
    producer.close();
  }
}
