package io.neurostream.deploy;

import io.neurostream.config.ConfigCatalog;
import java.util.Optional;
import java.util.Set;

/**
 * The one place deployment checks learn which {@code NEUROSTREAM_*} and {@code KAFKA_*}
 * environment variables the application really reads: the platform's {@link ConfigCatalog}
 * (every registered key's variable, the reserved ones, and {@code KAFKA_*} naming a real Kafka
 * client property), plus {@link #AWAITING_REGISTRATION}.
 */
final class ConfigurationNames {

  /**
   * Variables the deploy files set whose keys are promised (TEAM.md "Interfaces", issue 4) but whose
   * {@code ConfigKeySet} has not landed in the catalog yet. Delete a line as soon as its service
   * registers the key; an empty set means the catalog is the whole truth.
   */
  static final Set<String> AWAITING_REGISTRATION =
      Set.of(
          "NEUROSTREAM_APPLICATION_ID",
          "NEUROSTREAM_BATCH_MAX_SIZE",
          "NEUROSTREAM_BATCH_MAX_DELAY_MS",
          "NEUROSTREAM_NUM_STREAM_THREADS");

  private ConfigurationNames() {}

  /** Whether the variable is one of ours or a Kafka passthrough; anything else is not checked. */
  static boolean isApplicationVariable(String name) {
    return name.startsWith("NEUROSTREAM_") || name.startsWith("KAFKA_");
  }

  /** Empty if {@code name} is a real configuration variable, else why not, with the fix. */
  static Optional<String> problem(String name) {
    if (!isApplicationVariable(name)
        || ConfigCatalog.isKnownEnvName(name)
        || AWAITING_REGISTRATION.contains(name)) {
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
