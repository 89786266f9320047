package io.neurostream.trainer;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** What a round leaves in the state directory, kept to a bound: the newest reports only. */
final class RoundReports {
  private static final Logger LOG = LoggerFactory.getLogger(RoundReports.class);
  static final int KEPT = 20;

  private RoundReports() {}

  /** Drops the round's bundle if still there (it is published now) and all but the newest reports. */
  static void cleanUp(Path stateDir, Path roundBundle) {
    try {
      Files.deleteIfExists(roundBundle);
      Path rounds = stateDir.resolve("rounds");
      List<Path> dirs;
      try (Stream<Path> s = Files.list(rounds)) {
        dirs = s.sorted(Comparator.comparing(Path::getFileName).reversed()).toList();
      }
      for (int i = KEPT; i < dirs.size(); i++) {
        try (Stream<Path> walk = Files.walk(dirs.get(i))) {
          for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
            Files.deleteIfExists(p);
          }
        }
      }
    } catch (IOException e) {
      LOG.debug("cleaning up round reports: {}", e.toString());
    }
  }
}
