package io.neurostream.config;

import java.util.Locale;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * One typed configuration key: its dotted name ({@code batch.max.size}), the environment variable
 * that sets it ({@code NEUROSTREAM_BATCH_MAX_SIZE} unless declared otherwise), its type, default
 * and documentation. Keys are constants in a {@link ConfigKeySet}.
 *
 * <pre>{@code
 * static final ConfigKey<Integer> BATCH_MAX_SIZE = ConfigKey.of(
 *     "batch.max.size", ValueType.intIn(1, 1024), 32, "Most scans per inference batch.");
 * }</pre>
 *
 * @param name dotted lower-case name, used in properties files and {@code --set}
 * @param type how the value is parsed and validated
 * @param defaultValue the value when no layer sets it; {@code null} if none
 * @param presence whether a value must be given, may be absent, or has a default
 * @param doc one or two sentences for the configuration reference
 * @param envName the environment variable that sets this key
 * @param secret whether the value is masked in logs, messages and listings
 * @param <T> the value type
 */
public record ConfigKey<T>(
    String name,
    ValueType<T> type,
    T defaultValue,
    Presence presence,
    String doc,
    String envName,
    boolean secret) {

  /** Prefix of the environment variables of our own keys. */
  public static final String ENV_PREFIX = "NEUROSTREAM_";

  private static final Pattern NAME = Pattern.compile("[a-z][a-z0-9]*([.-][a-z0-9]+)*");
  private static final Pattern ENV = Pattern.compile("[A-Z][A-Z0-9_]*");

  /** Whether a key must be set. */
  public enum Presence {
    /** Has a default; setting it is optional. */
    DEFAULTED,
    /** No default; the service works without it (e.g. an optional version pin). */
    OPTIONAL,
    /** No default; start-up fails unless a layer sets it. */
    REQUIRED
  }

  /** Validates the declaration, so a bad key fails when its class loads, not in production. */
  public ConfigKey {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(type, "type");
    Objects.requireNonNull(presence, "presence");
    Objects.requireNonNull(doc, "doc");
    Objects.requireNonNull(envName, "envName");
    if (!NAME.matcher(name).matches()) {
      throw new IllegalArgumentException("Config key '" + name + "' must be lower-case words joined by '.' or '-'");
    }
    if (!ENV.matcher(envName).matches()) {
      throw new IllegalArgumentException("Environment name '" + envName + "' of " + name + " must be UPPER_SNAKE_CASE");
    }
    if ((presence == Presence.DEFAULTED) != (defaultValue != null)) {
      throw new IllegalArgumentException("Config key " + name + ": a default is required exactly when presence is DEFAULTED");
    }
  }

  /** A key with a default. */
  public static <T> ConfigKey<T> of(String name, ValueType<T> type, T defaultValue, String doc) {
    return new ConfigKey<>(name, type, Objects.requireNonNull(defaultValue, "defaultValue"),
        Presence.DEFAULTED, doc, envNameOf(name), false);
  }

  /** A key without a default that the service can do without. */
  public static <T> ConfigKey<T> optional(String name, ValueType<T> type, String doc) {
    return new ConfigKey<>(name, type, null, Presence.OPTIONAL, doc, envNameOf(name), false);
  }

  /** A key that must be set by a file, the environment or a flag. */
  public static <T> ConfigKey<T> required(String name, ValueType<T> type, String doc) {
    return new ConfigKey<>(name, type, null, Presence.REQUIRED, doc, envNameOf(name), false);
  }

  /** The same key read from another environment variable (e.g. {@code KAFKA_BOOTSTRAP_SERVERS}). */
  public ConfigKey<T> withEnv(String env) {
    return new ConfigKey<>(name, type, defaultValue, presence, doc, env, secret);
  }

  /** The same key, masked wherever values are shown. */
  public ConfigKey<T> asSecret() {
    return new ConfigKey<>(name, type, defaultValue, presence, doc, envName, true);
  }

  /** {@code batch.max.size} → {@code NEUROSTREAM_BATCH_MAX_SIZE}. */
  public static String envNameOf(String key) {
    return ENV_PREFIX + key.toUpperCase(Locale.ROOT).replace('.', '_').replace('-', '_');
  }

  /** The default as a user would write it, or "" when there is none. */
  public String formattedDefault() {
    return defaultValue == null ? "" : type.format(defaultValue);
  }

  /** A value of this key for messages and listings, masked if secret. */
  public String show(T value) {
    if (value == null) {
      return "(unset)";
    }
    return secret ? "******" : type.format(value);
  }

  @Override
  public String toString() {
    return name;
  }
}
