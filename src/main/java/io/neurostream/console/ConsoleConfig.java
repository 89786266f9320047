package io.neurostream.console;

import io.neurostream.config.CommonConfig;
import io.neurostream.config.Configuration;
import java.util.Optional;

/**
 * Configuration of {@code neurostream console}.
 *
 * @param common brokers, registry, passed-through client properties
 * @param port HTTP port (0 picks one)
 * @param adminToken the token rollback and replay require; empty refuses both
 * @param predictionsKept recent predictions kept for the series page
 * @param deadLettersKept recent dead letters listed
 */
public record ConsoleConfig(CommonConfig common, int port, Optional<String> adminToken,
    int predictionsKept, int deadLettersKept) {

  /** Reads the console's configuration (load it with CommonKeys and ConsoleKeys). */
  public static ConsoleConfig from(Configuration c) {
    return new ConsoleConfig(CommonConfig.from(c), c.get(ConsoleKeys.PORT),
        c.find(ConsoleKeys.ADMIN_TOKEN).filter(t -> !t.isBlank()),
        c.get(ConsoleKeys.PREDICTIONS_KEPT), c.get(ConsoleKeys.DEAD_LETTERS_KEPT));
  }

  @Override
  public String toString() {
    return "ConsoleConfig[" + common + ", port=" + port + ", adminToken="
        + (adminToken.isPresent() ? "******" : "unset") + ", predictionsKept=" + predictionsKept
        + ", deadLettersKept=" + deadLettersKept + "]";
  }
}
