package io.neurostream.ops;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * A start-up check that a directory a service writes to is usable: created if missing, then a
 * file written and deleted in it. A service that cannot write its state fails at once with the
 * setting to fix, instead of retrying the first write that needs it for ever.
 */
public final class WritableDirectory {

  private WritableDirectory() {}

  /**
   * Returns {@code dir} once a file could be written to it.
   *
   * @param setting how the operator sets the directory, e.g. {@code "--state-dir (state.dir,
   *     NEUROSTREAM_STATE_DIR)"}
   * @throws UncheckedIOException naming the directory, the cause and {@code setting}
   */
  public static Path require(Path dir, String setting) {
    Path probe = null;
    try {
      Files.createDirectories(dir);
      probe = Files.createTempFile(dir, ".write-check", ".tmp");
      Files.write(probe, new byte[] {1});
      return dir;
    } catch (IOException | SecurityException e) {
      String cause = e.getClass().getSimpleName() + (e.getMessage() == null ? "" : ": " + e.getMessage());
      IOException io = e instanceof IOException x ? x : new IOException(e);
      throw new UncheckedIOException(dir + " is not a writable directory (" + cause + "); set "
          + setting + " to a writable directory, e.g. a mounted volume", io);
    } finally {
      if (probe != null) {
        try {
          Files.deleteIfExists(probe);
        } catch (IOException e) {
          // the check passed; a leftover probe file is harmless
        }
      }
    }
  }
}
