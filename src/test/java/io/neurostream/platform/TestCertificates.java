package io.neurostream.platform;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;

/**
 * A server certificate for {@code localhost} made at test time with the JDK's {@code keytool}
 * (nothing committed): a PKCS12 key store for the broker and the registry, and a PKCS12 trust
 * store holding its certificate for the clients.
 *
 * @param keyStore the server's key and self-signed certificate (SAN localhost, 127.0.0.1)
 * @param trustStore the certificate alone
 * @param password password of both stores and of the key
 */
public record TestCertificates(Path keyStore, Path trustStore, String password) {

  /** Store type of both files. */
  public static final String TYPE = "PKCS12";

  /** Makes the stores in {@code dir} with {@code keytool}. */
  public static TestCertificates create(Path dir, String password) {
    try {
      Files.createDirectories(dir);
      Path keyStore = dir.resolve("server.p12");
      Path cert = dir.resolve("server.crt");
      Path trustStore = dir.resolve("truststore.p12");
      keytool("-genkeypair", "-alias", "server", "-keyalg", "EC", "-groupname", "secp256r1",
          "-validity", "2", "-dname", "CN=localhost", "-ext", "SAN=dns:localhost,ip:127.0.0.1",
          "-keystore", keyStore.toString(), "-storetype", TYPE, "-storepass", password,
          "-keypass", password);
      keytool("-exportcert", "-rfc", "-alias", "server", "-keystore", keyStore.toString(),
          "-storetype", TYPE, "-storepass", password, "-file", cert.toString());
      keytool("-importcert", "-noprompt", "-alias", "server", "-file", cert.toString(),
          "-keystore", trustStore.toString(), "-storetype", TYPE, "-storepass", password);
      return new TestCertificates(keyStore, trustStore, password);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** A server-side TLS context with the key store, for the registry's HTTPS. */
  public SSLContext serverContext() {
    try (InputStream in = Files.newInputStream(keyStore)) {
      KeyStore store = KeyStore.getInstance(TYPE);
      store.load(in, password.toCharArray());
      KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
      kmf.init(store, password.toCharArray());
      SSLContext context = SSLContext.getInstance("TLS");
      context.init(kmf.getKeyManagers(), null, null);
      return context;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("cannot load " + keyStore, e);
    }
  }

  private static void keytool(String... args) throws IOException {
    List<String> cmd = new ArrayList<>();
    cmd.add(Path.of(System.getProperty("java.home"), "bin", "keytool").toString());
    cmd.addAll(List.of(args));
    Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
    try {
      String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
        throw new IllegalStateException("keytool " + args[0] + " failed: " + out);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while running keytool", e);
    } finally {
      p.destroy();
    }
  }
}
