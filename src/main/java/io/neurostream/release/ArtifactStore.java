package io.neurostream.release;

import io.neurostream.avro.ModelRelease;
import java.nio.file.Path;

/**
 * Where model artifacts come from. A store copies the artifact of a release to a local file and
 * checks it against the release's size and sha-256 before handing it out, so nothing unverified
 * reaches the model loader.
 */
public interface ArtifactStore {

  /**
   * Copies the artifact named by {@code release.artifactUri} into {@code dir} and verifies it.
   *
   * @return the verified local file
   * @throws ArtifactException if it is missing, incomplete, or fails verification
   */
  Path fetch(ModelRelease release, Path dir) throws ArtifactException;
}
