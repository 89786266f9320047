package io.neurostream.config;

import java.util.Objects;

/**
 * Where a configuration value came from, so an error can point at the line to fix: the default,
 * a properties file, an environment variable or a command-line flag.
 *
 * @param layer which layer set the value
 * @param where the file path, variable name or flag; empty for the default
 */
public record Origin(Layer layer, String where) {

  /** The layers, lowest precedence first. */
  public enum Layer {
    DEFAULT, FILE, ENV, FLAG
  }

  /** The value every key falls back to. */
  public static final Origin DEFAULT = new Origin(Layer.DEFAULT, "");

  public Origin {
    Objects.requireNonNull(layer, "layer");
    Objects.requireNonNull(where, "where");
  }

  static Origin file(String path) {
    return new Origin(Layer.FILE, path);
  }

  static Origin env(String variable) {
    return new Origin(Layer.ENV, variable);
  }

  static Origin flag(String flag) {
    return new Origin(Layer.FLAG, flag);
  }

  /** "default", "file app.properties", "env NEUROSTREAM_BATCH_MAX_SIZE", "flag --kafka-port". */
  @Override
  public String toString() {
    return switch (layer) {
      case DEFAULT -> "default";
      case FILE -> "file " + where;
      case ENV -> "env " + where;
      case FLAG -> "flag " + where;
    };
  }
}
