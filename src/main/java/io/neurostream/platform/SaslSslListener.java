package io.neurostream.platform;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * A second, secured listener of {@link EmbeddedKafka}: TLS with the broker's key store and
 * SASL/SCRAM-SHA-512 logins, as a managed Kafka offers them ({@code security.protocol=SASL_SSL}).
 * The SCRAM users are written into the cluster's bootstrap metadata when the storage is formatted,
 * so they exist before the first client connects. The plaintext listener stays for the broker's
 * own traffic (inter-broker, controller) on the listen host.
 *
 * @param keyStore the broker's key store (PKCS12 or JKS) with a certificate for the advertised host
 * @param keyStorePassword password of the store and of its key
 * @param keyStoreType {@code PKCS12} or {@code JKS}
 * @param users SCRAM-SHA-512 user names and their passwords (letters, digits, {@code -_.} only)
 */
public record SaslSslListener(Path keyStore, String keyStorePassword, String keyStoreType,
    Map<String, String> users) {

  /** The listener's name in {@code listeners}; also its security protocol. */
  public static final String NAME = "SASL_SSL";
  /** The one SASL mechanism it enables. */
  public static final String MECHANISM = "SCRAM-SHA-512";
  private static final String PREFIX = "listener.name.sasl_ssl.";

  public SaslSslListener {
    Objects.requireNonNull(keyStore, "keyStore");
    Objects.requireNonNull(keyStorePassword, "keyStorePassword");
    Objects.requireNonNull(keyStoreType, "keyStoreType");
    users = Map.copyOf(users);
    if (users.isEmpty()) {
      throw new IllegalArgumentException("a SASL_SSL listener needs at least one SCRAM user");
    }
    for (Map.Entry<String, String> user : users.entrySet()) {
      if (!user.getKey().matches("[A-Za-z0-9._-]+") || !user.getValue().matches("[A-Za-z0-9._-]+")) {
        throw new IllegalArgumentException("SCRAM user '" + user.getKey() + "': use letters, digits"
            + " and -_. only in names and passwords (they go into the storage format arguments)");
      }
    }
  }

  /** Broker properties of this listener, added to the plaintext ones. */
  Map<String, String> brokerProperties() {
    Map<String, String> props = new LinkedHashMap<>();
    props.put("sasl.enabled.mechanisms", MECHANISM);
    props.put(PREFIX + MECHANISM.toLowerCase(java.util.Locale.ROOT) + ".sasl.jaas.config",
        "org.apache.kafka.common.security.scram.ScramLoginModule required;");
    props.put(PREFIX + "ssl.keystore.location", keyStore.toAbsolutePath().toString());
    props.put(PREFIX + "ssl.keystore.password", keyStorePassword);
    props.put(PREFIX + "ssl.key.password", keyStorePassword);
    props.put(PREFIX + "ssl.keystore.type", keyStoreType);
    return props;
  }

  /** {@code kafka-storage format --add-scram} arguments: one credential per user. */
  List<String> scramArguments() {
    List<String> args = new ArrayList<>();
    users.forEach((name, password) ->
        args.add(MECHANISM + "=[name=" + name + ",password=" + password + "]"));
    return args;
  }
}
