package io.neurostream.config;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * The raw layers a {@link Configuration} is built from, lowest precedence first: the keys'
 * defaults, an optional properties file ({@code --config FILE}), the environment, and the
 * command-line flags. Commands fill it from their options; tests pass an explicit environment.
 *
 * @param file the properties file, if one was given
 * @param env the environment variables (normally {@link System#getenv()})
 * @param flags values set on the command line, in the order given
 * @param flagNames for each key, the flag that sets it, so a "not set" message can name it
 */
public record ConfigSources(
    Optional<Path> file, Map<String, String> env, List<Flag> flags, Map<String, String> flagNames) {

  /**
   * One command-line value.
   *
   * @param key our key or a Kafka client property
   * @param value the text as given
   * @param flag the option that carried it, e.g. {@code --kafka-port} or {@code --set}
   */
  public record Flag(String key, String value, String flag) {
    public Flag {
      Objects.requireNonNull(key, "key");
      Objects.requireNonNull(value, "value");
      Objects.requireNonNull(flag, "flag");
    }
  }

  public ConfigSources {
    Objects.requireNonNull(file, "file");
    env = Map.copyOf(env);
    flags = List.copyOf(flags);
    flagNames = Map.copyOf(flagNames);
  }

  /** A builder; the environment defaults to the process environment. */
  public static Builder builder() {
    return new Builder();
  }

  /** Options for {@link ConfigSources}; everything is optional. */
  public static final class Builder {
    private Path file;
    private Map<String, String> env = System.getenv();
    private final List<Flag> flags = new ArrayList<>();
    private final Map<String, String> flagNames = new LinkedHashMap<>();

    private Builder() {}

    /** The properties file; {@code null} means none. */
    public Builder optFile(Path file) {
      this.file = file;
      return this;
    }

    /** The environment to read instead of the process environment (tests). */
    public Builder optEnv(Map<String, String> env) {
      this.env = Objects.requireNonNull(env, "env");
      return this;
    }

    /**
     * A flag's value for {@code key}; a {@code null} value (the flag was not given) is skipped, but
     * the flag is still remembered as the way to set the key.
     */
    public Builder optFlag(String key, Object value, String flag) {
      flagNames.putIfAbsent(key, flag);
      if (value != null) {
        flags.add(new Flag(key, value.toString(), flag));
      }
      return this;
    }

    /** Every {@code --set KEY=VALUE}. */
    public Builder optOverrides(Map<String, String> overrides) {
      overrides.forEach((k, v) -> flags.add(new Flag(k.trim(), v, "--set " + k.trim())));
      return this;
    }

    public ConfigSources build() {
      return new ConfigSources(Optional.ofNullable(file), env, flags, flagNames);
    }
  }
}
