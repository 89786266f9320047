package io.neurostream.deploy;

import io.neurostream.config.ConfigCatalog;
import java.util.Optional;

/**
 * The one place deployment checks learn which {@code NEUROSTREAM_*} and {@code KAFKA_*}
 * environment variables the application really reads: the platform's {@link ConfigCatalog}
 * (every registered key's variable, the reserved ones, and {@code KAFKA_*} naming a real Kafka
 * client property). A service's keys count once its {@code ConfigKeySet} is registered for the
 * {@code ServiceLoader}; until then the deploy files cannot use them.
 */
final class ConfigurationNames {

  private ConfigurationNames() {}

  /** Whether the variable is one of ours or a Kafka passthrough; anything else is not checked. */
  static boolean isApplicationVariable(String name) {
    return name.startsWith("NEUROSTREAM_") || name.startsWith("KAFKA_");
  }

  /** Empty if {@code name} is a real configuration variable, else why not, with the fix. */
  static Optional<String> problem(String name) {
    if (!isApplicationVariable(name) || ConfigCatalog.isKnownEnvName(name)) {
      return Optional.empty();
    }
    String hint =
        name.startsWith("KAFKA_")
            ? "it maps to Kafka client property '"
                + name.substring("KAFKA_".length()).toLowerCase().replace('_', '.')
                + "', which no Kafka producer/consumer/admin/Streams config defines"
            : "no registered configuration key has it (see `ConfigCatalog.envNames()`)";
    return Optional.of(name + " is not a NeuroStream configuration variable: " + hint);
  }
}
