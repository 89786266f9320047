package io.neurostream.serde;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import org.apache.kafka.common.config.ConfigException;

/** Builds the {@link SSLContext} for HTTPS to the registry from the {@code schema.registry.ssl.*} stores. */
final class RegistryTls {

  private RegistryTls() {}

  static SSLContext sslContext(SchemaRegistryConfig.Tls tls) {
    try {
      TrustManagerFactory tmf = null;
      if (tls.truststoreLocation().isPresent()) {
        KeyStore trust = load(tls.truststoreLocation().get(), tls.truststorePassword().orElse(null),
            tls.truststoreType(), SchemaRegistryConfig.TRUSTSTORE_LOCATION);
        tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(trust);
      }
      KeyManagerFactory kmf = null;
      if (tls.keystoreLocation().isPresent()) {
        KeyStore keys = load(tls.keystoreLocation().get(), tls.keystorePassword().orElse(null),
            tls.keystoreType(), SchemaRegistryConfig.KEYSTORE_LOCATION);
        kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        String keyPassword = tls.keyPassword().or(tls::keystorePassword).orElse("");
        kmf.init(keys, keyPassword.toCharArray());
      }
      SSLContext context = SSLContext.getInstance("TLS");
      context.init(kmf == null ? null : kmf.getKeyManagers(),
          tmf == null ? null : tmf.getTrustManagers(), null);
      return context;
    } catch (GeneralSecurityException e) {
      throw new ConfigException("Could not set up TLS to the schema registry: " + e.getMessage()
          + "; check the schema.registry.ssl.* passwords and store types");
    }
  }

  private static KeyStore load(String location, String password, String type, String key)
      throws GeneralSecurityException {
    Path path = Path.of(location);
    if (!Files.isReadable(path)) {
      throw new ConfigException(key + "=" + location + " is not a readable file; fix the path");
    }
    KeyStore store = KeyStore.getInstance(type);
    try (InputStream in = Files.newInputStream(path)) {
      store.load(in, password == null ? null : password.toCharArray());
    } catch (IOException e) {
      throw new ConfigException(key + "=" + location + " could not be read as a " + type
          + " store (" + e.getMessage() + "); check the file, its type and its password");
    }
    return store;
  }
}
