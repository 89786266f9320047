package io.neurostream.console;

import io.neurostream.avro.ModelRelease;
import io.neurostream.kafka.Topics;
import io.neurostream.release.ArtifactException;
import io.neurostream.release.ArtifactStores;
import io.neurostream.release.RollbackPlan;
import io.neurostream.ops.Directories;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.Serializer;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * A rollback from the console: the records of {@link RollbackPlan} (ROLLED_BACK for the served
 * release, PROMOTED re-release of the chosen one) in one transaction, after the chosen release's
 * artifact has been fetched and its size and SHA-256 verified, so classifiers are never pointed
 * at something they would refuse. One rollback at a time.
 */
final class ReleaseRollback {

  private static final Duration FETCH_TIMEOUT = Duration.ofMinutes(2);

  private final Map<String, Object> client;
  private final Map<String, ?> serde;
  private final ReleaseBoard board;

  ReleaseRollback(Map<String, Object> client, Map<String, ?> serde, ReleaseBoard board) {
    this.client = client;
    this.serde = serde;
    this.board = board;
  }

  /**
   * Serves {@code version} again.
   *
   * @return the records published
   * @throws IllegalArgumentException when the rollback makes no sense (unknown, already served,
   *     rejected without force)
   * @throws IllegalStateException when the artifact cannot be used or publishing fails
   */
  synchronized List<ModelRelease> rollback(String version, String reason, boolean force) {
    if (!board.caughtUp()) {
      throw new IllegalStateException("the console has not read " + Topics.MODEL_RELEASES.name()
          + " to its end yet; try again in a moment");
    }
    List<ModelRelease> records = RollbackPlan.plan(board.records(), version, reason, force,
        "the console", Instant.now());
    verifyArtifact(records.get(records.size() - 1));
    publish(records);
    return records;
  }

  private void verifyArtifact(ModelRelease release) {
    Path work = null;
    try {
      work = Files.createTempDirectory("neurostream-console-verify");
      new ArtifactStores(client, FETCH_TIMEOUT).fetch(release, work);
    } catch (ArtifactException e) {
      throw new IllegalStateException("the artifact of " + release.getVersion()
          + " cannot be used (" + e.reason() + "): " + e.getMessage(), e);
    } catch (IOException e) {
      throw new UncheckedIOException("no temporary directory to verify the artifact in", e);
    } finally {
      Directories.deleteQuietly(work);
    }
  }

  private void publish(List<ModelRelease> records) {
    Map<String, Object> props = new HashMap<>(client);
    props.put(ProducerConfig.TRANSACTIONAL_ID_CONFIG, "neurostream-console-rollback-"
        + UUID.randomUUID());
    props.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
    props.put(ProducerConfig.ACKS_CONFIG, "all");
    props.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, 30_000);
    Serializer<ModelRelease> serializer = Topics.MODEL_RELEASES.valueSerde(serde).serializer();
    try (KafkaProducer<String, byte[]> producer =
        new KafkaProducer<>(props, new StringSerializer(),
            new org.apache.kafka.common.serialization.ByteArraySerializer())) {
      producer.initTransactions();
      producer.beginTransaction();
      for (ModelRelease r : records) {
        producer.send(new ProducerRecord<>(Topics.MODEL_RELEASES.name(), r.getVersion(),
            serializer.serialize(Topics.MODEL_RELEASES.name(), r)));
      }
      producer.commitTransaction();
    } catch (RuntimeException e) {
      throw new IllegalStateException("publishing the rollback failed: " + e.getMessage()
          + "; nothing was published (one transaction); check the brokers and try again", e);
    }
  }
}
