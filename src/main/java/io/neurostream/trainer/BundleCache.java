package io.neurostream.trainer;

import io.neurostream.avro.ModelRelease;
import io.neurostream.release.ArtifactException;
import io.neurostream.release.ArtifactStore;
import io.neurostream.model.ModelBundle;
import io.neurostream.model.ModelBundleException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;

/**
 * Released bundles on local disk, fetched through the classifiers' {@link ArtifactStore} (so the
 * trainer reads artifacts exactly as they do, size and sha-256 verified) and kept under the
 * release's digest so the next round need not fetch them again. Only a cache: anything here can be
 * deleted.
 */
final class BundleCache {

  private static final int KEEP = 3;

  private final Path dir;
  private final ArtifactStore store;

  BundleCache(Path dir, ArtifactStore store) {
    this.dir = dir;
    this.store = store;
  }

  /**
   * The verified bundle of {@code release}.
   *
   * @throws ArtifactException if it cannot be fetched or is not the released artifact
   */
  ModelBundle get(ModelRelease release) throws ArtifactException {
    String sha = release.getArtifactSha256();
    Path file = fileOf(release);
    if (Files.isRegularFile(file)) {
      try {
        ModelBundle bundle = ModelBundle.open(file, sha);
        touch(file);
        return bundle;
      } catch (ModelBundleException e) {
        deleteQuietly(file); // damaged on disk: fetch again
      }
    }
    try {
      Files.createDirectories(dir);
      Path fetched = store.fetch(release, dir.resolve("fetching"));
      Files.move(fetched, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot keep the bundle of " + release.getVersion() + " in "
          + dir + ": " + e.getMessage() + "; check state.dir is writable", e);
    }
    try {
      ModelBundle bundle = ModelBundle.open(file, sha);
      prune(file);
      return bundle;
    } catch (ModelBundleException e) {
      deleteQuietly(file);
      throw new ArtifactException(ArtifactException.Reason.LOAD_FAILED,
          "release " + release.getVersion() + " passed its checksum but is not a valid bundle: "
              + e.getMessage(), e);
    }
  }

  /**
   * Keeps {@code bundle} (just published as {@code release}) so the next round need not fetch it;
   * the file is moved.
   */
  void keep(ModelRelease release, Path bundle) {
    try {
      Files.createDirectories(dir);
      Path file = fileOf(release);
      Files.move(bundle, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
      prune(file);
    } catch (IOException e) {
      deleteQuietly(bundle); // only a cache: the next round fetches it instead
    }
  }

  private Path fileOf(ModelRelease release) {
    String sha = release.getArtifactSha256();
    return dir.resolve(release.getVersion().replaceAll("[^A-Za-z0-9._-]", "_") + "-"
        + sha.substring(0, Math.min(16, sha.length())) + ".bundle");
  }

  private void prune(Path keep) throws UncheckedIOException {
    try (Stream<Path> files = Files.list(dir)) {
      List<Path> bundles = files.filter(p -> p.toString().endsWith(".bundle"))
          .sorted(Comparator.comparingLong(BundleCache::modified).reversed()).toList();
      for (int i = KEEP; i < bundles.size(); i++) {
        if (!bundles.get(i).equals(keep)) {
          deleteQuietly(bundles.get(i));
        }
      }
    } catch (IOException e) {
      // a bundle too many on disk is harmless
    }
  }

  private static long modified(Path p) {
    try {
      return Files.getLastModifiedTime(p).toMillis();
    } catch (IOException e) {
      return 0;
    }
  }

  private static void touch(Path p) {
    try {
      Files.setLastModifiedTime(p, java.nio.file.attribute.FileTime.fromMillis(System.currentTimeMillis()));
    } catch (IOException ignored) {
      // only affects which bundle is pruned first
    }
  }

  private static void deleteQuietly(Path p) {
    try {
      Files.deleteIfExists(p);
    } catch (IOException ignored) {
      // a stray file in a cache directory is harmless
    }
  }
}
