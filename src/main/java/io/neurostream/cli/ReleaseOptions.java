package io.neurostream.cli;

import io.neurostream.config.CommonKeys;
import io.neurostream.config.Configuration;
import io.neurostream.trainer.TrainerConfig;
import io.neurostream.trainer.TrainerKeys;
import picocli.CommandLine.Mixin;

/**
 * Where the {@code models} commands find the releases: brokers, registry, and the trainer's keys
 * (artifact store, chunk size). Add with {@code @Mixin ReleaseOptions releases;}.
 */
public final class ReleaseOptions {

  @Mixin ClusterOptions cluster;

  /** The configuration these options, the file and the environment make. */
  public TrainerConfig trainerConfig() {
    TrainerConfig config = TrainerConfig.from(Configuration.load(cluster.sources().build(),
        new CommonKeys(), new TrainerKeys()));
    ClusterOptions.awaitKafka(config.common());
    return config;
  }
}
