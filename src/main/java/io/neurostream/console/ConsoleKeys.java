package io.neurostream.console;

import io.neurostream.config.ConfigKey;
import io.neurostream.config.ConfigKeySet;
import io.neurostream.config.ValueType;
import java.util.List;

/** Keys of {@code neurostream console}: its port, the admin token, and how much it keeps. */
public final class ConsoleKeys implements ConfigKeySet {

  public static final ConfigKey<Integer> PORT = ConfigKey.of(
      "console.port", ValueType.port(true), 8080,
      "HTTP port of the console's web UI, its API, /openapi.json, /metrics, /live and /ready; "
          + "0 picks a free port.");

  public static final ConfigKey<String> ADMIN_TOKEN = ConfigKey.optional(
      "console.admin.token", ValueType.string(),
      "Bearer token that rollback and dead-letter replay require; unset, both are refused.")
      .asSecret();

  public static final ConfigKey<Integer> PREDICTIONS_KEPT = ConfigKey.of(
      "console.predictions.kept", ValueType.intIn(10, 200_000), 2000,
      "Most recent predictions the console keeps in memory for its series page.");

  public static final ConfigKey<Integer> DEAD_LETTERS_KEPT = ConfigKey.of(
      "console.dead.letters.kept", ValueType.intIn(10, 200_000), 5000,
      "Most recent dead letters listed (their counts by stage and reason cover all of them).");

  @Override
  public String service() {
    return "console";
  }

  @Override
  public List<ConfigKey<?>> keys() {
    return List.of(PORT, ADMIN_TOKEN, PREDICTIONS_KEPT, DEAD_LETTERS_KEPT);
  }
}
