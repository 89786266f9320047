package io.neurostream.cli;

import io.neurostream.avro.ModelRelease;
import io.neurostream.avro.ReleaseStatus;
import io.neurostream.model.BundleMetadata;
import io.neurostream.model.ModelBundle;
import io.neurostream.trainer.ReleaseOperations;
import java.nio.file.Path;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code neurostream models publish BUNDLE}: releases a bundle trained elsewhere. */
@Command(
    name = "publish",
    mixinStandardHelpOptions = true,
    description = {
      "Publish a model bundle as a release (artifact + release record in one transaction): "
          + "PROMOTED by default, so every classifier swaps to it; e.g. the initial release."
    })
public final class ModelsPublishCommand implements Callable<Integer> {

  @Parameters(index = "0", paramLabel = "BUNDLE", description = "The model bundle.")
  Path bundle;

  @Option(names = "--status", defaultValue = "PROMOTED",
      description = "PROMOTED or REJECTED (default: ${DEFAULT-VALUE}).")
  ReleaseStatus status;

  @Option(names = "--reason", defaultValue = "published by an operator",
      description = "Why (shown by models list; default: ${DEFAULT-VALUE}).")
  String reason;

  @Option(names = "--force",
      description = "Publish as PROMOTED even a bundle whose training learned nothing (validation "
          + "balanced accuracy 0, no best epoch).")
  boolean force;

  @Mixin ReleaseOptions releases;

  @Override
  public Integer call() {
    if (status == ReleaseStatus.ROLLED_BACK) {
      throw new IllegalArgumentException("--status ROLLED_BACK is not published this way; use "
          + "neurostream models rollback VERSION");
    }
    if (status == ReleaseStatus.PROMOTED) {
      BundleMetadata metadata = ModelBundle.open(bundle).metadata();
      Optional<String> problem = UntrainedBundleGuard.problem(metadata);
      if (problem.isPresent() && !force) {
        throw new IllegalArgumentException(UntrainedBundleGuard.refusal(metadata.version(), problem.get()));
      }
      problem.ifPresent(p -> System.err.println("warning: publishing " + metadata.version()
          + " although it learned nothing usable (--force): " + p));
    }
    try (ReleaseOperations ops = new ReleaseOperations(releases.trainerConfig())) {
      ModelRelease r = ops.publish(bundle, status, reason);
      System.out.printf("published %s as %s (%d bytes, sha256 %s) at %s%n", r.getVersion(),
          r.getStatus(), r.getArtifactSize(), r.getArtifactSha256(), r.getArtifactUri());
    }
    return 0;
  }
}
