package io.neurostream.release;

import io.neurostream.avro.ModelRelease;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

/**
 * Artifacts on a filesystem every instance can read ({@code file:///shared/models/v3.bundle}),
 * for deployments with shared storage. The file is copied first so a later overwrite of the
 * shared file cannot change a model between verification and loading.
 */
public final class FileArtifactStore implements ArtifactStore {

  @Override
  public Path fetch(ModelRelease release, Path dir) throws ArtifactException {
    String version = release.getVersion();
    Path source;
    try {
      source = Path.of(URI.create(release.getArtifactUri()));
    } catch (IllegalArgumentException e) {
      throw new ArtifactException(ArtifactException.Reason.UNSUPPORTED_URI,
          "release " + version + " has artifactUri '" + release.getArtifactUri()
              + "' which is not a valid file:// URI; republish it with an absolute file:///path", e);
    }
    Path target = dir.resolve(safeName(version) + ".artifact");
    try {
      Files.createDirectories(dir);
      Files.copy(source, target, StandardCopyOption.REPLACE_EXISTING);
    } catch (NoSuchFileException e) {
      throw new ArtifactException(ArtifactException.Reason.NOT_FOUND,
          "artifact of " + version + " not found at " + source
              + "; mount the shared model directory on this instance", e);
    } catch (IOException e) {
      throw new ArtifactException(ArtifactException.Reason.IO_ERROR,
          "cannot copy the artifact of " + version + " from " + source + ": " + e.getMessage(), e);
    }
    ArtifactDigest.verify(target, version, release.getArtifactSize(), release.getArtifactSha256());
    return target;
  }

  static String safeName(String version) {
    return version.replaceAll("[^A-Za-z0-9._-]", "_");
  }
}
