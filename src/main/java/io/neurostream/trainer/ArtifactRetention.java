package io.neurostream.trainer;

import io.neurostream.avro.ModelRelease;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ListOffsetsResult;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.admin.RecordsToDelete;
import org.apache.kafka.common.TopicPartition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps the newest {@code trainer.releases.keep} artifacts, and always the one being served, and
 * deletes older ones. On Kafka the artifact topic is append-only (compaction would keep one chunk
 * per version), so everything published before the oldest kept artifact is deleted with {@code
 * deleteRecords}; in a directory the older bundle files are removed. Release records stay: they
 * are the audit trail, and {@code models rollback} checks an artifact is still there before it
 * re-promotes it.
 */
final class ArtifactRetention {

  private static final Logger LOG = LoggerFactory.getLogger(ArtifactRetention.class);
  /**
   * Chunks carry the publisher's clock (CreateTime, as the topic is declared) and are sent after
   * the publication time was recorded with that same clock, so the first chunk of a kept artifact
   * is never older than its recorded time; no margin is needed.
   */
  private static final long MARGIN_MS = 0;

  private ArtifactRetention() {}

  /**
   * The versions whose artifacts are kept: the newest {@code keep} by publication time, plus the
   * served one.
   */
  static Set<String> kept(ReleaseHistory history, int keep) {
    List<ModelRelease> withArtifacts = new ArrayList<>(history.newestByVersion().values());
    withArtifacts.removeIf(r -> publishedAt(r).isEmpty());
    withArtifacts.sort(Comparator.comparingLong((ModelRelease r) -> publishedAt(r).orElse(0L)).reversed());
    Set<String> out = new HashSet<>();
    for (int i = 0; i < Math.min(keep, withArtifacts.size()); i++) {
      out.add(withArtifacts.get(i).getVersion());
    }
    history.served().ifPresent(r -> out.add(r.getVersion()));
    return out;
  }

  /** Applies the policy to {@code target}; failures are logged, never thrown (it is housekeeping). */
  static void apply(ReleaseHistory history, int keep, ArtifactTarget target, Admin admin) {
    try {
      if (target instanceof ArtifactTarget.KafkaTopic topic) {
        applyToTopic(history, keep, topic.topic(), admin);
      } else {
        applyToDirectory(history, keep, ((ArtifactTarget.Directory) target).dir());
      }
    } catch (RuntimeException | IOException | ExecutionException | TimeoutException e) {
      LOG.warn("artifact retention skipped this time: {}", e.toString());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private static void applyToTopic(ReleaseHistory history, int keep, String topic, Admin admin)
      throws ExecutionException, InterruptedException, TimeoutException {
    Set<String> kept = kept(history, keep);
    Map<String, ModelRelease> newest = history.newestByVersion();
    long oldestKept = Long.MAX_VALUE;
    for (String v : kept) {
      Optional<Long> at = publishedAt(newest.get(v));
      if (at.isEmpty()) {
        LOG.info("artifact retention skipped: kept release {} does not say when its artifact was "
            + "published", v);
        return;
      }
      oldestKept = Math.min(oldestKept, at.get());
    }
    if (oldestKept == Long.MAX_VALUE) {
      return;
    }
    long since = oldestKept - MARGIN_MS;
    Map<TopicPartition, OffsetSpec> query = new HashMap<>();
    admin.describeTopics(List.of(topic)).allTopicNames().get(30, TimeUnit.SECONDS).get(topic)
        .partitions().forEach(p -> query.put(new TopicPartition(topic, p.partition()),
            OffsetSpec.forTimestamp(since)));
    Map<TopicPartition, ListOffsetsResult.ListOffsetsResultInfo> found =
        admin.listOffsets(query).all().get(30, TimeUnit.SECONDS);
    Map<TopicPartition, RecordsToDelete> delete = new HashMap<>();
    found.forEach((tp, info) -> {
      if (info.offset() > 0) {
        delete.put(tp, RecordsToDelete.beforeOffset(info.offset()));
      }
    });
    if (!delete.isEmpty()) {
      admin.deleteRecords(delete).all().get(30, TimeUnit.SECONDS);
      LOG.info("artifact retention: kept {} (trainer.releases.keep={}), deleted older chunks of {} "
          + "before offsets {}", kept, keep, topic, delete.keySet().stream()
          .map(tp -> tp.partition() + ":" + found.get(tp).offset()).toList());
    }
  }

  private static void applyToDirectory(ReleaseHistory history, int keep, Path dir) throws IOException {
    Set<String> kept = kept(history, keep);
    for (ModelRelease r : history.newestByVersion().values()) {
      if (kept.contains(r.getVersion()) || !r.getArtifactUri().startsWith("file:")) {
        continue;
      }
      Path file = Path.of(URI.create(r.getArtifactUri()));
      if (file.toAbsolutePath().getParent().equals(dir.toAbsolutePath()) && Files.deleteIfExists(file)) {
        LOG.info("artifact retention: deleted {} (trainer.releases.keep={})", file, keep);
      }
    }
  }

  private static Optional<Long> publishedAt(ModelRelease r) {
    if (r == null) {
      return Optional.empty();
    }
    try {
      String s = r.getTrainingProvenance().get(ReleaseHistory.ARTIFACT_PUBLISHED_AT);
      return s == null ? Optional.empty() : Optional.of(Long.parseLong(s));
    } catch (NumberFormatException e) {
      return Optional.empty();
    }
  }
}
