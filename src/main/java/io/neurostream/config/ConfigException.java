package io.neurostream.config;

import java.util.List;

/**
 * Configuration that cannot start a service. Every problem names the key, the bad value, where it
 * came from and the fix; all problems are reported at once so one run shows everything to repair.
 */
public final class ConfigException extends RuntimeException {

  private final List<String> problems;

  public ConfigException(List<String> problems) {
    super(message(problems));
    this.problems = List.copyOf(problems);
  }

  /** Each problem as one sentence. */
  public List<String> problems() {
    return problems;
  }

  private static String message(List<String> problems) {
    if (problems.size() == 1) {
      return "Invalid configuration: " + problems.get(0);
    }
    return problems.size() + " configuration problems: " + String.join(" | ", problems);
  }
}
