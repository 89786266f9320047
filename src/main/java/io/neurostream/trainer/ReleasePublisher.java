package io.neurostream.trainer;

import io.neurostream.avro.ModelRelease;
import io.neurostream.avro.ReleaseStatus;
import io.neurostream.config.Plural;
import io.neurostream.release.KafkaArtifactStore;
import io.neurostream.kafka.Topics;
import io.neurostream.model.BundleMetadata;
import io.neurostream.model.ModelBundle;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.errors.ProducerFencedException;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.Serializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Publishes model releases so that a release becomes visible only when it is complete: the
 * artifact's chunks (in the classifier's {@link KafkaArtifactStore} format) and the {@link
 * ModelRelease} record go out in one Kafka transaction, so a crash at any moment leaves nothing a
 * {@code read_committed} classifier would load. With a file target the bundle is first moved into
 * place atomically, and the release record that announces it is the transaction.
 *
 * <p>The producer's transactional id is stable ({@code trainer.transactional.id}): opening it
 * aborts whatever a crashed predecessor left open, and a second trainer with the same id fences
 * the first, so there is one publisher at a time. Not thread-safe; one publishing thread.
 */
public final class ReleasePublisher implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(ReleasePublisher.class);

  private final KafkaProducer<String, byte[]> producer;
  private final Serializer<ModelRelease> releaseSerializer;
  private final ArtifactTarget target;
  private final int chunkBytes;
  private final long maxBytesPerSecond;
  private final String transactionalId;

  /**
   * Opens the transactional producer (aborting a predecessor's open transaction).
   *
   * @param clientConfig Kafka client properties (bootstrap.servers, security, passthrough)
   * @param releaseSerializer Avro serializer of release records
   * @param transactionalId stable id of this publisher
   * @param target where artifacts go
   * @param chunkBytes payload of one artifact chunk
   * @param maxBytesPerSecond pace of artifact publication, 0 for no limit
   */
  public ReleasePublisher(
      Map<String, Object> clientConfig, Serializer<ModelRelease> releaseSerializer,
      String transactionalId, ArtifactTarget target, int chunkBytes, long maxBytesPerSecond) {
    this.releaseSerializer = releaseSerializer;
    this.target = Objects.requireNonNull(target, "target");
    this.chunkBytes = chunkBytes;
    this.maxBytesPerSecond = maxBytesPerSecond;
    this.transactionalId = transactionalId;
    Map<String, Object> props = new HashMap<>(clientConfig);
    // a transaction a crashed publisher leaves open holds back read_committed readers of the
    // artifacts until a restart aborts it or this timeout does: short, unless pacing needs long
    props.putIfAbsent(ProducerConfig.TRANSACTION_TIMEOUT_CONFIG,
        (int) (maxBytesPerSecond > 0 ? Duration.ofMinutes(15) : Duration.ofMinutes(2)).toMillis());
    props.putIfAbsent(ProducerConfig.LINGER_MS_CONFIG, 5);
    props.put(ProducerConfig.TRANSACTIONAL_ID_CONFIG, transactionalId);
    props.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
    props.put(ProducerConfig.ACKS_CONFIG, "all");
    props.put(ProducerConfig.MAX_REQUEST_SIZE_CONFIG, chunkBytes + (1 << 20));
    props.put(ProducerConfig.CLIENT_ID_CONFIG, transactionalId + "-publisher");
    producer = new KafkaProducer<>(props, new StringSerializer(), new ByteArraySerializer());
    try {
      producer.initTransactions();
    } catch (RuntimeException e) {
      producer.close(Duration.ZERO);
      throw new IllegalStateException("cannot open the release producer with transactional.id="
          + transactionalId + ": " + e.getMessage() + "; check that the brokers are reachable and "
          + "allow transactions", e);
    }
  }

  /** Where this publisher puts artifacts. */
  public ArtifactTarget target() {
    return target;
  }

  /**
   * Publishes {@code bundle} and its release record in one transaction.
   *
   * @return the release as published
   */
  public ModelRelease publish(ModelBundle bundle, ReleaseDraft draft) {
    BundleMetadata meta = bundle.metadata();
    String version = meta.version();
    Instant createdAt = Instant.now();
    Map<String, String> provenance = new LinkedHashMap<>(draft.provenance());
    provenance.put(ReleaseHistory.ARTIFACT_PUBLISHED_AT, Long.toString(createdAt.toEpochMilli()));
    ModelRelease.Builder release = ModelRelease.newBuilder()
        .setVersion(version)
        .setParentVersion(draft.parentVersion())
        .setArchitecture(meta.architecture())
        .setInputShape(meta.inputShape())
        .setClassNames(meta.classNames())
        .setMetrics(draft.metrics())
        .setParentMetrics(draft.parentMetrics())
        .setTrainingProvenance(provenance)
        .setArtifactSha256(bundle.sha256())
        .setArtifactSize(bundle.size())
        .setStatus(draft.status())
        .setReason(draft.reason())
        .setCreatedAt(createdAt);
    long started = System.nanoTime();
    if (target instanceof ArtifactTarget.Directory dir) {
      release.setArtifactUri(copyInto(dir.dir(), bundle).toUri().toString());
      send(List.of(release.build()), null);
    } else {
      String topic = ((ArtifactTarget.KafkaTopic) target).topic();
      release.setArtifactUri(KafkaArtifactStore.uri(topic, version));
      send(List.of(release.build()), () -> sendChunks(topic, version, bundle));
    }
    ModelRelease published = release.build();
    LOG.info("release {} published as {} ({} bytes, {}) in {} ms: {}", version, draft.status(),
        bundle.size(), published.getArtifactUri(), (System.nanoTime() - started) / 1_000_000,
        draft.reason());
    return published;
  }

  /**
   * Publishes release records that need no new artifact (a rollback: ROLLED_BACK for the current
   * version and a PROMOTED re-release of an earlier one), all in one transaction.
   */
  public void publishRecords(List<ModelRelease> releases) {
    send(releases, null);
    releases.forEach(r -> LOG.info("release record {} {} published: {}", r.getVersion(),
        r.getStatus(), r.getReason()));
  }

  private void send(List<ModelRelease> releases, Runnable artifactFirst) {
    try {
      producer.beginTransaction();
      if (artifactFirst != null) {
        artifactFirst.run();
      }
      String topic = Topics.MODEL_RELEASES.name();
      for (ModelRelease r : releases) {
        RecordHeaders headers = new RecordHeaders();
        byte[] value = releaseSerializer.serialize(topic, headers, r);
        producer.send(new ProducerRecord<>(topic, null, null, r.getVersion(), value, headers));
      }
      producer.commitTransaction();
    } catch (ProducerFencedException e) {
      throw new FencedException("another publisher with trainer.transactional.id="
          + transactionalId + " took over; this one stops (run one trainer per transactional id)", e);
    } catch (KafkaException | UncheckedIOException e) {
      try {
        producer.abortTransaction();
      } catch (KafkaException abort) {
        e.addSuppressed(abort);
      }
      throw new IllegalStateException("publishing release "
          + releases.stream().map(ModelRelease::getVersion).toList() + " failed and was rolled "
          + "back (nothing became visible): " + e.getMessage(), e);
    }
  }

  private void sendChunks(String topic, String version, ModelBundle bundle) {
    byte[] artifact;
    try {
      artifact = Files.readAllBytes(bundle.path());
    } catch (IOException e) {
      throw new UncheckedIOException("reading " + bundle.path() + " failed: " + e.getMessage(), e);
    }
    int count = Math.max(1, (artifact.length + chunkBytes - 1) / chunkBytes);
    LOG.info("release {}: publishing {} ({} bytes) to {} in a transaction{}", version, Plural.of(count, "chunk"),
        artifact.length, topic, maxBytesPerSecond > 0 ? " at most " + maxBytesPerSecond + " B/s" : "");
    long start = System.nanoTime();
    KafkaArtifactStore.publish(producer, topic, version, artifact, chunkBytes, index -> {
      if (maxBytesPerSecond > 0) {
        long sent = Math.min((long) (index + 1) * chunkBytes, artifact.length);
        long due = start + sent * 1_000_000_000L / maxBytesPerSecond;
        pause(due - System.nanoTime());
      }
    });
  }

  private static Path copyInto(Path dir, ModelBundle bundle) {
    String name = bundle.metadata().version().replaceAll("[^A-Za-z0-9._-]", "_") + ".bundle";
    Path target = dir.resolve(name).toAbsolutePath();
    try {
      Files.createDirectories(dir);
      Path partial = Files.createTempFile(dir, name, ".partial");
      Files.copy(bundle.path(), partial, StandardCopyOption.REPLACE_EXISTING);
      Files.move(partial, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
      return target;
    } catch (IOException e) {
      throw new UncheckedIOException("copying the bundle to " + target + " failed: " + e.getMessage()
          + "; check that trainer.artifact.store points at a writable shared directory", e);
    }
  }

  private static void pause(long nanos) {
    if (nanos <= 0) {
      return;
    }
    try {
      Thread.sleep(nanos / 1_000_000, (int) (nanos % 1_000_000));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new KafkaException("interrupted while pacing the artifact", e);
    }
  }

  /** Another publisher with the same transactional id has taken over; this one can only stop. */
  public static final class FencedException extends IllegalStateException {
    FencedException(String message, Throwable cause) {
      super(message, cause);
    }
  }

  /** A copy of {@code release} with another status, reason and decision time. */
  public static ModelRelease restated(ModelRelease release, ReleaseStatus status, String reason, Instant at) {
    return ModelRelease.newBuilder(release).setStatus(status).setReason(reason).setCreatedAt(at).build();
  }

  @Override
  public void close() {
    producer.close(Duration.ofSeconds(10));
  }
}
