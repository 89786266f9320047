package io.neurostream.cli;

import io.neurostream.trainer.ReleaseOperations;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;

/** {@code neurostream models export VERSION DIR}: writes a release's bundle to a folder. */
@Command(
    name = "export",
    mixinStandardHelpOptions = true,
    description = {
      "Fetch the artifact of VERSION (from Kafka or the shared directory), verify its size, "
          + "sha-256 and seal, and write DIR/VERSION.bundle with DIR/VERSION.release.json."
    })
public final class ModelsExportCommand implements Callable<Integer> {

  @Parameters(index = "0", paramLabel = "VERSION", description = "The release.")
  String version;

  @Parameters(index = "1", paramLabel = "DIR", description = "Where to write the bundle.")
  Path dir;

  @Mixin ReleaseOptions releases;

  @Override
  public Integer call() {
    try (ReleaseOperations ops = new ReleaseOperations(releases.trainerConfig())) {
      Path out = ops.export(version, dir);
      System.out.println("exported " + version + " to " + out + " (verified)");
    }
    return 0;
  }
}
