package io.neurostream.config;

import java.nio.file.Path;

/**
 * Configuration of {@code neurostream stack}, from {@link StackKeys}.
 *
 * @param kafkaPort broker port (0 = free)
 * @param registryPort registry port (0 = free)
 * @param dataDir broker data directory
 * @param host interface to listen on
 * @param advertisedHost host name given to clients
 */
public record StackConfig(int kafkaPort, int registryPort, Path dataDir, String host, String advertisedHost) {

  /** Reads the stack keys; the advertised host defaults to the listen host. */
  public static StackConfig from(Configuration c) {
    String host = c.get(StackKeys.HOST);
    String advertised = c.find(StackKeys.ADVERTISED_HOST)
        .orElse("0.0.0.0".equals(host) || "::".equals(host) ? "localhost" : host);
    return new StackConfig(c.get(StackKeys.KAFKA_PORT), c.get(StackKeys.REGISTRY_PORT), c.get(StackKeys.DATA_DIR),
        host, advertised);
  }
}
