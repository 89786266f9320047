package io.neurostream.verdict;

import ai.djl.Device;
import io.neurostream.avro.ModelRelease;
import io.neurostream.kafka.Topics;
import io.neurostream.model.ModelBundle;
import io.neurostream.model.ScanClassifierModel;
import io.neurostream.release.ArtifactException;
import io.neurostream.release.ArtifactStores;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.StringDeserializer;

/**
 * The model a slice was classified with, by version: its release is looked up on
 * {@code mri.model-releases}, its artifact fetched and verified as the classifier does
 * ({@link ArtifactStores}), and the loaded model kept for the next explanations (the two most
 * recent versions). Explanations use the very model that made the prediction, not whatever is
 * served now.
 */
final class ExplainerModels implements AutoCloseable {

  private static final int KEEP = 2;
  private static final long REREAD_NANOS = Duration.ofSeconds(30).toNanos();

  private final Map<String, Object> client;
  private final Deserializer<ModelRelease> releases;
  private final ArtifactStores artifacts;
  private final Path work;
  private final Map<String, ModelRelease> known = new HashMap<>();
  /** When the releases were last read for a version not found, so they are not re-read per slice. */
  private long lastReadNanos = Long.MIN_VALUE;
  private final LinkedHashMap<String, ScanClassifierModel> loaded = new LinkedHashMap<>();

  ExplainerModels(Map<String, Object> client, Map<String, ?> serdeConfig, Path work) {
    this.client = client;
    this.releases = Topics.MODEL_RELEASES.valueSerde(serdeConfig).deserializer();
    this.artifacts = new ArtifactStores(client, Duration.ofMinutes(5));
    this.work = work;
  }

  /**
   * The loaded model of {@code version}.
   *
   * @throws IllegalStateException naming the version when it has no release or its artifact
   *     cannot be fetched
   */
  ScanClassifierModel model(String version) {
    ScanClassifierModel model = loaded.remove(version);
    if (model == null) {
      model = load(version);
      if (loaded.size() >= KEEP) {
        String oldest = loaded.keySet().iterator().next();
        loaded.remove(oldest).close();
      }
    }
    loaded.put(version, model);
    return model;
  }

  private ScanClassifierModel load(String version) {
    ModelRelease release = known.get(version);
    // never read yet, or not since REREAD_NANOS (Long.MIN_VALUE marks "never": subtracting it
    // from a positive nanoTime() would overflow to a negative age and never read at all)
    if (release == null
        && (lastReadNanos == Long.MIN_VALUE || System.nanoTime() - lastReadNanos > REREAD_NANOS)) {
      readReleases();
      lastReadNanos = System.nanoTime();
      release = known.get(version);
    }
    if (release == null) {
      throw new IllegalStateException("model " + version + " has no release on "
          + Topics.MODEL_RELEASES.name() + "; its slices cannot be explained");
    }
    try {
      Path file = artifacts.fetch(release, work.resolve(version));
      return ModelBundle.open(file).load(Device.cpu());
    } catch (ArtifactException e) {
      throw new IllegalStateException("cannot fetch model " + version + " to explain its slices: "
          + e.getMessage(), e);
    }
  }

  private void readReleases() {
    Map<String, Object> props = new HashMap<>(client);
    props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
    try (KafkaConsumer<String, byte[]> consumer = new KafkaConsumer<>(props,
        new StringDeserializer(), new ByteArrayDeserializer())) {
      List<TopicPartition> parts = consumer.partitionsFor(Topics.MODEL_RELEASES.name()).stream()
          .map(p -> new TopicPartition(p.topic(), p.partition())).toList();
      consumer.assign(parts);
      consumer.seekToBeginning(parts);
      Map<TopicPartition, Long> end = consumer.endOffsets(parts);
      while (parts.stream().anyMatch(tp -> consumer.position(tp) < end.get(tp))) {
        for (ConsumerRecord<String, byte[]> r : consumer.poll(Duration.ofMillis(500))) {
          if (r.value() != null) {
            ModelRelease release = releases.deserialize(r.topic(), r.value());
            known.put(release.getVersion(), release);
          }
        }
      }
    }
  }

  @Override
  public void close() {
    loaded.values().forEach(ScanClassifierModel::close);
    loaded.clear();
  }
}
