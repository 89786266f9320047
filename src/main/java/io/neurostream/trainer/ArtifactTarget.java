package io.neurostream.trainer;

import io.neurostream.kafka.Topics;
import java.net.URI;
import java.nio.file.Path;

/**
 * Where the trainer puts model artifacts ({@code trainer.artifact.store}): chunks on the
 * model-artifacts topic, so every classifier replica gets them with no shared storage, or a
 * directory every classifier can read.
 */
public sealed interface ArtifactTarget permits ArtifactTarget.KafkaTopic, ArtifactTarget.Directory {

  /** Chunks on {@code topic}, in the classifier's {@code KafkaArtifactStore} format. */
  record KafkaTopic(String topic) implements ArtifactTarget {}

  /** Files {@code <dir>/<version>.bundle}, announced as {@code file://} URIs. */
  record Directory(Path dir) implements ArtifactTarget {}

  /**
   * {@code kafka} or {@code file:///absolute/dir}.
   *
   * @throws IllegalArgumentException saying what to write instead
   */
  static ArtifactTarget parse(String value) {
    String v = value.trim();
    if (v.equalsIgnoreCase("kafka")) {
      return new KafkaTopic(Topics.MODEL_ARTIFACTS.name());
    }
    if (v.regionMatches(true, 0, "file:", 0, 5)) {
      try {
        Path dir = Path.of(URI.create(v));
        return new Directory(dir);
      } catch (IllegalArgumentException | java.nio.file.FileSystemNotFoundException e) {
        throw new IllegalArgumentException("'" + v + "' is not a file URI; write an absolute "
            + "directory as file:///shared/models");
      }
    }
    throw new IllegalArgumentException("'" + v + "' is neither kafka nor file:///dir");
  }
}
