package io.neurostream.cli;

import io.neurostream.config.ConfigSources;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import picocli.CommandLine.Option;

/**
 * The configuration options every service command shares: a properties file and free-form
 * overrides. Add it with {@code @Mixin ConfigOptions config;} and start the sources from
 * {@link #sources()}, then add the command's own typed flags with {@code optFlag}.
 */
public final class ConfigOptions {

  @Option(names = "--config", paramLabel = "FILE",
      description = "Java properties file of configuration keys (see `neurostream config`).")
  Path file;

  @Option(names = "--set", paramLabel = "KEY=VALUE",
      description = "Set a configuration key or Kafka client property; wins over the file and the environment.")
  Map<String, String> overrides = new LinkedHashMap<>();

  /** File, process environment and {@code --set} values; add the command's own flags on top. */
  public ConfigSources.Builder sources() {
    return ConfigSources.builder().optFile(file).optOverrides(overrides);
  }
}
