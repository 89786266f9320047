package io.neurostream.cli;

import io.neurostream.avro.ModelRelease;
import io.neurostream.avro.ReleaseStatus;
import io.neurostream.config.CommonKeys;
import io.neurostream.config.ConfigSources;
import io.neurostream.config.Configuration;
import io.neurostream.model.BundleMetadata;
import io.neurostream.model.ModelBundle;
import io.neurostream.trainer.ReleaseOperations;
import io.neurostream.trainer.TrainerConfig;
import io.neurostream.trainer.TrainerKeys;
import java.nio.file.Path;
import picocli.CommandLine.Option;

/**
 * {@code train --publish}: releases the bundle just trained as PROMOTED (e.g. the initial release
 * the trainer then fine-tunes). A mixin so the train command only gains one line.
 */
public final class TrainPublishOptions {

  @Option(names = "--publish",
      description = "Publish the trained bundle as a PROMOTED release on mri.model-releases.")
  boolean publish;

  @Option(names = "--bootstrap", paramLabel = "HOST:PORT",
      description = "With --publish: Kafka brokers (bootstrap.servers, env KAFKA_BOOTSTRAP_SERVERS).")
  String bootstrap;

  @Option(names = "--registry", paramLabel = "URL",
      description = "With --publish: schema registry URL (schema.registry.url).")
  String registry;

  /** Publishes {@code bundle} if {@code --publish} was given. */
  public void publishIfAsked(Path bundle) {
    if (!publish) {
      return;
    }
    BundleMetadata metadata = ModelBundle.open(bundle).metadata();
    UntrainedBundleGuard.problem(metadata).ifPresent(problem -> {
      throw new IllegalStateException(UntrainedBundleGuard.refusal(metadata.version(), problem)
          .replace("pass --force", "use neurostream models publish --force " + bundle));
    });
    TrainerConfig config = TrainerConfig.from(Configuration.load(ConfigSources.builder()
        .optFlag(CommonKeys.BOOTSTRAP_SERVERS.name(), bootstrap, "--bootstrap")
        .optFlag(CommonKeys.SCHEMA_REGISTRY_URL.name(), registry, "--registry")
        .build(), new CommonKeys(), new TrainerKeys()));
    try (ReleaseOperations ops = new ReleaseOperations(config)) {
      ModelRelease r = ops.publish(bundle, ReleaseStatus.PROMOTED, "published by train --publish");
      System.out.printf("published %s as %s at %s%n", r.getVersion(), r.getStatus(), r.getArtifactUri());
    }
  }
}
