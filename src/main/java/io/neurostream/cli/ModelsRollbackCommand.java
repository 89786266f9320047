package io.neurostream.cli;

import io.neurostream.avro.ModelRelease;
import io.neurostream.trainer.ReleaseOperations;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code neurostream models rollback VERSION}: serves an earlier release again. */
@Command(
    name = "rollback",
    mixinStandardHelpOptions = true,
    description = {
      "Re-promote an earlier release: a ROLLED_BACK record for the served version and a PROMOTED "
          + "re-release of VERSION, in one transaction; classifiers swap within seconds. The "
          + "artifact is fetched and verified first."
    })
public final class ModelsRollbackCommand implements Callable<Integer> {

  @Parameters(index = "0", paramLabel = "VERSION", description = "The release to serve again.")
  String version;

  @Option(names = "--reason", description = "Why (recorded in both release records).")
  String reason;

  @Option(names = "--force", description = "Also re-promote a release that was REJECTED.")
  boolean force;

  @Mixin ReleaseOptions releases;

  @Override
  public Integer call() {
    try (ReleaseOperations ops = new ReleaseOperations(releases.trainerConfig())) {
      for (ModelRelease r : ops.rollback(version, reason, force)) {
        System.out.printf("%s %s: %s%n", r.getVersion(), r.getStatus(), r.getReason());
      }
    }
    return 0;
  }
}
