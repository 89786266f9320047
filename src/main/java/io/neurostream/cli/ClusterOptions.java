package io.neurostream.cli;

import io.neurostream.config.CommonConfig;
import io.neurostream.config.CommonKeys;
import io.neurostream.config.ConfigSources;
import io.neurostream.kafka.KafkaReachability;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * The options of every command that talks to Kafka and the schema registry: {@code --bootstrap},
 * {@code --registry} and the {@link ConfigOptions} ({@code --config}, {@code --set}). Add it with
 * {@code @Mixin ClusterOptions cluster;} and start the configuration from {@link #sources()}.
 */
public final class ClusterOptions {

  @Option(names = "--bootstrap", paramLabel = "HOST:PORT",
      description = "Kafka brokers (bootstrap.servers, env KAFKA_BOOTSTRAP_SERVERS).")
  String bootstrap;

  @Option(names = "--registry", paramLabel = "URL",
      description = "Schema registry URL (schema.registry.url).")
  String registry;

  @Mixin ConfigOptions config;

  /**
   * File, process environment, {@code --set} and the two flags above; add the command's own flags
   * on top with {@code optFlag}.
   */
  public ConfigSources.Builder sources() {
    return config.sources()
        .optFlag(CommonKeys.BOOTSTRAP_SERVERS.name(), bootstrap, "--bootstrap")
        .optFlag(CommonKeys.SCHEMA_REGISTRY_URL.name(), registry, "--registry");
  }

  /**
   * Waits up to {@code bootstrap.wait.ms} for the Kafka cluster to answer, so a command pointed at
   * the wrong address fails with one line naming {@code --bootstrap} instead of hanging.
   *
   * @throws KafkaReachability.UnreachableException with that line
   */
  static void awaitKafka(CommonConfig common) {
    KafkaReachability.await(common.kafkaProperties(), common.bootstrapWait(),
        "--set " + CommonKeys.BOOTSTRAP_WAIT.name() + "=MS");
  }
}
