package io.neurostream.demo;

import io.neurostream.config.CommonKeys;
import io.neurostream.config.ConfigCatalog;
import io.neurostream.config.ConfigKeySet;
import io.neurostream.config.ConfigSources;
import io.neurostream.config.Configuration;
import io.neurostream.trainer.TrainerKeys;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/**
 * The configuration of a service the demo runs: the demo's settings for it, then the user's {@code
 * --set} keys that belong to it (or to no service: Kafka client properties), then what the demo
 * must decide itself (its broker, registry and directories). The process environment is not read:
 * the demo's services talk to the demo's platform only.
 *
 * @param bootstrapServers the embedded broker
 * @param registryUrl the embedded registry
 * @param stateDir the services' state directory
 * @param user the user's {@code --set} keys
 */
record ServiceSettings(String bootstrapServers, String registryUrl, Path stateDir, Map<String, String> user) {

  /** Keys the demo decides and a user cannot move. */
  static final Set<String> FIXED = Set.of(CommonKeys.BOOTSTRAP_SERVERS.name(),
      CommonKeys.SCHEMA_REGISTRY_URL.name(), CommonKeys.STATE_DIR.name(), TrainerKeys.BOOTSTRAP_BUNDLE.name());

  ServiceSettings {
    user = Map.copyOf(user);
    for (String k : user.keySet()) {
      if (FIXED.contains(k)) {
        throw new IllegalArgumentException("--set " + k + " cannot be changed in the demo, which runs its own "
            + "broker, registry and directories; run neurostream stack, classifier and trainer to use your own");
      }
    }
  }

  /**
   * The merged keys for a service with these key sets.
   *
   * @param demo the demo's settings for this service (fixed ones included, e.g. the bootstrap bundle)
   */
  Map<String, String> merged(Map<String, String> demo, ConfigKeySet... sets) {
    Set<String> mine = new HashSet<>();
    for (ConfigKeySet set : sets) {
      set.keys().forEach(k -> mine.add(k.name()));
    }
    Map<String, String> m = new LinkedHashMap<>();
    m.put(CommonKeys.METRICS_PORT.name(), "0"); // two services, one host: free ports
    demo.forEach((k, v) -> {
      if (!FIXED.contains(k)) {
        m.put(k, v);
      }
    });
    user.forEach((k, v) -> {
      if (mine.contains(k) || !ConfigCatalog.isKnownKey(k)) {
        m.put(k, v);
      }
    });
    demo.forEach((k, v) -> {
      if (FIXED.contains(k)) {
        m.put(k, v);
      }
    });
    m.put(CommonKeys.BOOTSTRAP_SERVERS.name(), bootstrapServers);
    m.put(CommonKeys.SCHEMA_REGISTRY_URL.name(), registryUrl);
    m.put(CommonKeys.STATE_DIR.name(), stateDir.toString());
    return m;
  }

  /** The validated configuration of a service with these key sets. */
  Configuration load(Map<String, String> demo, ConfigKeySet... sets) {
    return Configuration.load(ConfigSources.builder().optEnv(Map.of()).optOverrides(merged(demo, sets)).build(),
        sets);
  }
}
