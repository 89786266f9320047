package io.neurostream.release;

import io.neurostream.avro.ModelRelease;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

/** Picks the store for a release's artifact URI scheme ({@code kafka://} or {@code file://}). */
public final class ArtifactStores implements ArtifactStore {

  private final KafkaArtifactStore kafka;
  private final FileArtifactStore file = new FileArtifactStore();

  public ArtifactStores(Map<String, Object> kafkaClientConfig, Duration fetchTimeout) {
    this.kafka = new KafkaArtifactStore(kafkaClientConfig, fetchTimeout);
  }

  @Override
  public Path fetch(ModelRelease release, Path dir) throws ArtifactException {
    String scheme;
    try {
      scheme = URI.create(release.getArtifactUri()).getScheme();
    } catch (IllegalArgumentException e) {
      scheme = null;
    }
    if ("kafka".equalsIgnoreCase(scheme)) {
      return kafka.fetch(release, dir);
    }
    if ("file".equalsIgnoreCase(scheme)) {
      return file.fetch(release, dir);
    }
    throw new ArtifactException(ArtifactException.Reason.UNSUPPORTED_URI,
        "release " + release.getVersion() + " has artifactUri '" + release.getArtifactUri()
            + "'; this classifier reads kafka:// and file:// artifacts");
  }
}
