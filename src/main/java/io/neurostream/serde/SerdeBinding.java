package io.neurostream.serde;

import java.util.Map;
import org.apache.kafka.common.errors.SerializationException;

/**
 * What an {@link AvroSerializer} or {@link AvroDeserializer} is bound to: the registry client, the
 * settings it was configured with and whether it handles keys or values. Both serdes are built
 * either over a client shared through {@link AvroSerdes} (which they must not close) or by Kafka
 * from a class name and {@code configure(props, isKey)} (then they own the client they create).
 *
 * @param client the registry client, {@code null} until configured
 * @param config the parsed serde settings, {@code null} until configured
 * @param isKey whether the serde handles record keys (subject {@code <topic>-key})
 * @param ownsClient whether closing the serde closes the client
 */
record SerdeBinding(SchemaRegistryClient client, SchemaRegistryConfig config, boolean isKey,
    boolean ownsClient) {

  /** Not bound yet: Kafka calls {@code configure} before first use. */
  static final SerdeBinding UNCONFIGURED = new SerdeBinding(null, null, false, false);

  /** Bound to a client someone else shares and closes. */
  static SerdeBinding shared(SchemaRegistryClient client, SchemaRegistryConfig config,
      boolean isKey) {
    return new SerdeBinding(client, config, isKey, false);
  }

  /**
   * Rebinds to Kafka-style properties ({@code configure(props, isKey)}): the settings are read
   * again, a client given earlier is kept (a shared one stays shared), else one is created and
   * owned.
   */
  SerdeBinding configure(Map<String, ?> props, boolean forKey) {
    SchemaRegistryConfig parsed = SchemaRegistryConfig.from(props);
    if (client != null) {
      return new SerdeBinding(client, parsed, forKey, ownsClient);
    }
    return new SerdeBinding(new RestSchemaRegistryClient(parsed), parsed, forKey, true);
  }

  /** Fails with the fix if the serde was neither built over a client nor configured. */
  void requireConfigured(String serde) {
    if (client == null) {
      throw new SerializationException(serde + " is not configured; call configure() with "
          + SchemaRegistryConfig.URL + " or build it through AvroSerdes");
    }
  }

  /** Closes the client if the serde created it. */
  void close() {
    if (ownsClient && client != null) {
      client.close();
    }
  }
}
