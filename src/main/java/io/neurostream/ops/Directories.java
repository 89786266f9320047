package io.neurostream.ops;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;

/** Removing temporary and cache directories, best effort. */
public final class Directories {
  private Directories() {}

  /**
   * Deletes {@code dir} and everything below it, deepest first; what cannot be deleted is left
   * (a stray temporary file is harmless). Nothing happens when {@code dir} is null or absent.
   *
   * @return whether everything was deleted
   */
  public static boolean deleteQuietly(Path dir) {
    if (dir == null || !Files.exists(dir)) {
      return true;
    }
    List<Path> all;
    try (Stream<Path> walk = Files.walk(dir)) {
      all = walk.sorted(Comparator.reverseOrder()).toList();
    } catch (IOException | UncheckedIOException e) {
      return false;
    }
    boolean ok = true;
    for (Path p : all) {
      try {
        Files.deleteIfExists(p);
      } catch (IOException e) {
        ok = false;
      }
    }
    return ok;
  }
}
