package io.neurostream.cli;

import io.neurostream.config.CommonKeys;
import io.neurostream.config.Configuration;
import io.neurostream.trainer.TrainerConfig;
import io.neurostream.trainer.TrainerKeys;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * Where the {@code models} commands find the releases: brokers, registry, and the trainer's keys
 * (artifact store, chunk size). Add with {@code @Mixin ReleaseOptions releases;}.
 */
public final class ReleaseOptions {

  @Option(names = "--bootstrap", paramLabel = "HOST:PORT",
      description = "Kafka brokers (bootstrap.servers, env KAFKA_BOOTSTRAP_SERVERS).")
  String bootstrap;

  @Option(names = "--registry", paramLabel = "URL",
      description = "Schema registry URL (schema.registry.url).")
  String registry;

  @Mixin ConfigOptions config;

  /** The configuration these options, the file and the environment make. */
  public TrainerConfig trainerConfig() {
    return TrainerConfig.from(Configuration.load(config.sources()
        .optFlag(CommonKeys.BOOTSTRAP_SERVERS.name(), bootstrap, "--bootstrap")
        .optFlag(CommonKeys.SCHEMA_REGISTRY_URL.name(), registry, "--registry")
        .build(), new CommonKeys(), new TrainerKeys()));
  }
}
