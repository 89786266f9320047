package io.neurostream.gateway;

import io.neurostream.imaging.DicomTools;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.util.List;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

/** A self-signed gateway certificate made by the JDK's keytool, and a client context trusting it. */
public final class TlsKeys {

  static final String ALIAS = "gateway";

  private TlsKeys() {}

  /** A PKCS12 key store at {@code file} with a fresh EC key for CN=localhost, IP 127.0.0.1. */
  public static Path selfSigned(Path file, String password) throws Exception {
    Files.deleteIfExists(file);
    DicomTools.run(List.of(Path.of(System.getProperty("java.home"), "bin", "keytool").toString(),
        "-genkeypair", "-alias", ALIAS, "-keyalg", "EC", "-groupname", "secp256r1",
        "-dname", "CN=localhost", "-ext", "SAN=dns:localhost,ip:127.0.0.1", "-validity", "2",
        "-storetype", "PKCS12", "-keystore", file.toString(), "-storepass", password,
        "-keypass", password));
    return file;
  }

  /** An SSL context that trusts the certificate of {@code keystore} and nothing else. */
  public static SSLContext trusting(Path keystore, String password) throws Exception {
    KeyStore keys = KeyStore.getInstance("PKCS12");
    try (InputStream in = Files.newInputStream(keystore)) {
      keys.load(in, password.toCharArray());
    }
    KeyStore trusted = KeyStore.getInstance("PKCS12");
    trusted.load(null, null);
    trusted.setCertificateEntry(ALIAS, keys.getCertificate(ALIAS));
    TrustManagerFactory tmf =
        TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
    tmf.init(trusted);
    SSLContext context = SSLContext.getInstance("TLS");
    context.init(null, tmf.getTrustManagers(), null);
    return context;
  }
}
