package io.neurostream.demo;

import io.neurostream.ops.Directories;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The demo's work directory: a fresh one to start in, and the broker's data removed after. */
final class DemoWorkDir {
  private static final Logger LOG = LoggerFactory.getLogger(DemoWorkDir.class);

  private DemoWorkDir() {}

  /**
   * The work dir to use: {@code requested} if it is new or empty (created), else a clear error; a
   * temporary directory when none is requested.
   */
  static Path prepare(Path requested) {
    try {
      if (requested == null) {
        return Files.createTempDirectory("neurostream-demo-").toAbsolutePath();
      }
      Path dir = requested.toAbsolutePath();
      if (Files.exists(dir)) {
        if (!Files.isDirectory(dir)) {
          throw new IllegalArgumentException("--work-dir " + dir + " is a file; choose a directory");
        }
        try (Stream<Path> entries = Files.list(dir)) {
          if (entries.findAny().isPresent()) {
            throw new IllegalArgumentException("--work-dir " + dir + " is not empty; choose a new directory "
                + "(every demo starts from a fresh broker) or delete it");
          }
        }
      }
      return Files.createDirectories(dir);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot create the work dir: " + e.getMessage(), e);
    }
  }

  /** Deletes {@code dir} and everything in it, if it exists; logs (at debug) what it could not. */
  static void deleteQuietly(Path dir) {
    if (!Directories.deleteQuietly(dir)) {
      LOG.debug("could not delete all of {}", dir);
    }
  }
}
