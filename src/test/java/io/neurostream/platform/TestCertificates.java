package io.neurostream.platform;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
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
 * store holding its certificate for the clients (one keytool run).
 *
 * @param keyStore the server's key and self-signed certificate (SAN localhost, 127.0.0.1)
 * @param trustStore the certificate alone
 * @param password password of both stores and of the key
 */
public record TestCertificates(Path keyStore, Path trustStore, String password) {

  /** Store type of both files. */
  public static final String TYPE = "PKCS12";
  private static final String ALIAS = "server";

  /** Makes the stores in {@code dir} with {@code keytool}. */
  public static TestCertificates create(Path dir, String password) {
    try {
      Files.createDirectories(dir);
      Path keyStore = dir.resolve("server.p12");
      Path trustStore = dir.resolve("truststore.p12");
      keytool("-genkeypair", "-alias", ALIAS, "-keyalg", "EC", "-groupname", "secp256r1",
          "-validity", "2", "-dname", "CN=localhost", "-ext", "SAN=dns:localhost,ip:127.0.0.1",
          "-keystore", keyStore.toString(), "-storetype", TYPE, "-storepass", password,
          "-keypass", password);
      // the trust store holds the certificate alone (no second keytool run)
      KeyStore trust = KeyStore.getInstance(TYPE);
      trust.load(null, null);
      trust.setCertificateEntry(ALIAS, load(keyStore, password).getCertificate(ALIAS));
      try (OutputStream out = Files.newOutputStream(trustStore)) {
        trust.store(out, password.toCharArray());
      }
      return new TestCertificates(keyStore, trustStore, password);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("cannot write the trust store in " + dir, e);
    }
  }

  private static KeyStore load(Path file, String password) throws IOException, GeneralSecurityException {
    KeyStore store = KeyStore.getInstance(TYPE);
    try (InputStream in = Files.newInputStream(file)) {
      store.load(in, password.toCharArray());
    }
    return store;
  }

  /** A server-side TLS context with the key store, for the registry's HTTPS. */
  public SSLContext serverContext() {
    try {
      KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
      kmf.init(load(keyStore, password), password.toCharArray());
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
