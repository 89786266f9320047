package io.neurostream.serde;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sun.net.httpserver.HttpServer;
import io.neurostream.avro.ScanEvent;
import io.neurostream.platform.registry.EmbeddedSchemaRegistry;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.IntFunction;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import org.apache.avro.Schema;
import org.apache.kafka.common.config.ConfigException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RestSchemaRegistryClientTest {

  private final List<AutoCloseable> toClose = new ArrayList<>();

  @AfterEach
  void closeAll() throws Exception {
    for (AutoCloseable c : toClose) {
      c.close();
    }
  }

  /** A fake registry answering the n-th request (from 1) with status and body from the function. */
  private record Scripted(String url, AtomicInteger requests, List<String> authorizations) {}

  private Scripted scripted(IntFunction<Map.Entry<Integer, String>> answer) throws Exception {
    HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    AtomicInteger requests = new AtomicInteger();
    List<String> authorizations = new ArrayList<>();
    server.createContext("/", exchange -> {
      try (exchange; InputStream in = exchange.getRequestBody()) {
        in.readAllBytes();
        authorizations.add(exchange.getRequestHeaders().getFirst("Authorization"));
        Map.Entry<Integer, String> reply = answer.apply(requests.incrementAndGet());
        byte[] body = reply.getValue().getBytes(StandardCharsets.UTF_8);
        exchange.sendResponseHeaders(reply.getKey(), body.length);
        try (OutputStream out = exchange.getResponseBody()) {
          out.write(body);
        }
      }
    });
    server.start();
    toClose.add(() -> server.stop(0));
    return new Scripted("http://127.0.0.1:" + server.getAddress().getPort(), requests,
        authorizations);
  }

  private static Map<String, Object> config(String url, Object... extra) {
    Map<String, Object> config = new HashMap<>();
    config.put(SchemaRegistryConfig.URL, url);
    config.put(SchemaRegistryConfig.RETRIES_WAIT_MS, 5);
    for (int i = 0; i < extra.length; i += 2) {
      config.put((String) extra[i], extra[i + 1]);
    }
    return config;
  }

  private EmbeddedSchemaRegistry registry(EmbeddedSchemaRegistry registry) {
    toClose.add(registry);
    return registry;
  }

  @Test
  void shouldRetryServerErrorsWithBackoffAndThenSucceed() throws Exception {
    Scripted fake = scripted(n -> n <= 2
        ? Map.entry(503, "{\"error_code\":50003,\"message\":\"busy\"}")
        : Map.entry(200, "{\"id\":7}"));
    var client = RestSchemaRegistryClient.fromConfig(config(fake.url()));

    int id = client.register("s-value", ScanEvent.getClassSchema());

    assertThat(id).isEqualTo(7);
    assertThat(fake.requests()).hasValue(3);
  }

  @Test
  void shouldGiveUpAfterMaxRetriesNamingTheLastError() throws Exception {
    Scripted fake = scripted(n -> Map.entry(500, "{\"error_code\":50001,\"message\":\"store down\"}"));
    var client = RestSchemaRegistryClient.fromConfig(config(fake.url(),
        SchemaRegistryConfig.MAX_RETRIES, 2));

    assertThatThrownBy(() -> client.getSchemaById(3))
        .isInstanceOf(SchemaRegistryException.class)
        .hasMessageContaining("HTTP 500 (error_code 50001): store down")
        .hasMessageContaining("gave up after 3 attempts");
    assertThat(fake.requests()).hasValue(3);
  }

  @Test
  void shouldNotRetryClientErrors() throws Exception {
    Scripted fake = scripted(n -> Map.entry(404,
        "{\"error_code\":40403,\"message\":\"Schema 3 not found\"}"));
    var client = RestSchemaRegistryClient.fromConfig(config(fake.url()));

    assertThatThrownBy(() -> client.getSchemaById(3))
        .isInstanceOfSatisfying(SchemaRegistryException.class, e -> {
          assertThat(e.errorCode()).isEqualTo(40403);
          assertThat(e.isNotFound()).isTrue();
        });
    assertThat(fake.requests()).hasValue(1);
  }

  @Test
  void shouldCacheSchemasByIdAndIdsBySchema() throws Exception {
    String schema = ScanEvent.getClassSchema().toString();
    Scripted fake = scripted(n -> Map.entry(200,
        "{\"id\":5,\"schema\":" + com.fasterxml.jackson.databind.node.TextNode.valueOf(schema)
            + "}"));
    var client = RestSchemaRegistryClient.fromConfig(config(fake.url()));

    Schema first = client.getSchemaById(5);
    Schema second = client.getSchemaById(5);
    int id = client.register("t-value", ScanEvent.getClassSchema());
    int idAgain = client.register("t-value", ScanEvent.getClassSchema());

    assertThat(first).isSameAs(second).isEqualTo(ScanEvent.getClassSchema());
    assertThat(id).isEqualTo(idAgain).isEqualTo(5);
    assertThat(fake.requests()).hasValue(2);
  }

  @Test
  void shouldFailOverToTheNextUrl() {
    EmbeddedSchemaRegistry registry = registry(EmbeddedSchemaRegistry.startInMemory(0));
    var client = RestSchemaRegistryClient.fromConfig(config("http://127.0.0.1:1, " + registry.url(),
        SchemaRegistryConfig.MAX_RETRIES, 1));

    int id = client.register("failover-value", ScanEvent.getClassSchema());

    assertThat(client.getSchemaById(id)).isEqualTo(ScanEvent.getClassSchema());
  }

  @Test
  void shouldSendBasicAuthFromUserInfoOrFromTheUrl() {
    EmbeddedSchemaRegistry registry = registry(EmbeddedSchemaRegistry.builder()
        .optBasicAuth("alice", "s3cr:et").start());
    var fromUserInfo = RestSchemaRegistryClient.fromConfig(config(registry.url(),
        SchemaRegistryConfig.BASIC_AUTH_CREDENTIALS_SOURCE, "USER_INFO",
        SchemaRegistryConfig.BASIC_AUTH_USER_INFO, "alice:s3cr:et"));
    var fromUrl = RestSchemaRegistryClient.fromConfig(config(
        registry.url().replace("http://", "http://alice:s3cr%3Aet@")));
    var anonymous = RestSchemaRegistryClient.fromConfig(config(registry.url()));

    int id = fromUserInfo.register("auth-value", ScanEvent.getClassSchema());

    assertThat(fromUrl.getLatest("auth-value").id()).isEqualTo(id);
    assertThatThrownBy(anonymous::getSubjects)
        .isInstanceOf(SchemaRegistryException.class)
        .hasMessageContaining("HTTP 401")
        .hasMessageContaining("basic.auth.user.info");
  }

  /** A self-signed certificate for localhost in a PKCS12 key store, and a trust store holding it. */
  private record Pki(Path keyStore, Path trustStore, SSLContext serverContext) {}

  private static Pki pki(Path dir) throws Exception {
    Path keyStore = dir.resolve("registry.p12");
    Path trustStore = dir.resolve("trust.p12");
    keytool("-genkeypair", "-alias", "registry", "-keyalg", "EC", "-groupname", "secp256r1",
        "-dname", "CN=localhost", "-ext", "SAN=dns:localhost,ip:127.0.0.1", "-validity", "2",
        "-keystore", keyStore.toString(), "-storetype", "PKCS12", "-storepass", "changeit");
    KeyStore keys = KeyStore.getInstance("PKCS12");
    try (InputStream in = Files.newInputStream(keyStore)) {
      keys.load(in, "changeit".toCharArray());
    }
    KeyStore trust = KeyStore.getInstance("PKCS12");
    trust.load(null, null);
    trust.setCertificateEntry("registry", keys.getCertificate("registry"));
    try (var out = Files.newOutputStream(trustStore)) {
      trust.store(out, "trustpass".toCharArray());
    }
    KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
    kmf.init(keys, "changeit".toCharArray());
    TrustManagerFactory tmf =
        TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
    tmf.init(trust);
    SSLContext context = SSLContext.getInstance("TLS");
    context.init(kmf.getKeyManagers(), tmf.getTrustManagers(), null);
    return new Pki(keyStore, trustStore, context);
  }

  @Test
  void shouldTalkTlsWithTheConfiguredTrustAndKeyStores(@TempDir Path dir) throws Exception {
    // given: an HTTPS registry, and one that also demands a client certificate (the same
    // self-signed one, to keep the test to a single keytool run)
    Pki pki = pki(dir);
    EmbeddedSchemaRegistry https = registry(EmbeddedSchemaRegistry.builder()
        .optTls(pki.serverContext()).start());
    EmbeddedSchemaRegistry mutual = registry(EmbeddedSchemaRegistry.builder()
        .optTls(pki.serverContext(), true).start());
    assertThat(https.url()).startsWith("https://localhost:");
    Object[] trust = {SchemaRegistryConfig.TRUSTSTORE_LOCATION, pki.trustStore().toString(),
        SchemaRegistryConfig.TRUSTSTORE_PASSWORD, "trustpass",
        SchemaRegistryConfig.TRUSTSTORE_TYPE, "PKCS12", SchemaRegistryConfig.MAX_RETRIES, 0};
    Object[] key = {SchemaRegistryConfig.KEYSTORE_LOCATION, pki.keyStore().toString(),
        SchemaRegistryConfig.KEYSTORE_PASSWORD, "changeit",
        SchemaRegistryConfig.KEYSTORE_TYPE, "PKCS12"};

    // when / then: the truststore is enough for plain HTTPS
    var client = RestSchemaRegistryClient.fromConfig(config(https.url(), trust));
    int id = client.register("tls-value", ScanEvent.getClassSchema());
    assertThat(client.getLatest("tls-value").id()).isEqualTo(id);
    // without it the server is not trusted
    var untrusting = RestSchemaRegistryClient.fromConfig(config(https.url(),
        SchemaRegistryConfig.MAX_RETRIES, 0));
    assertThatThrownBy(untrusting::getSubjects)
        .isInstanceOf(SchemaRegistryException.class)
        .hasMessageContaining("SSLHandshakeException");
    // mutual TLS needs the keystore too
    Object[] both = java.util.stream.Stream.of(trust, key).flatMap(java.util.Arrays::stream)
        .toArray();
    var withCertificate = RestSchemaRegistryClient.fromConfig(config(mutual.url(), both));
    int mutualId = withCertificate.register("mtls-value", ScanEvent.getClassSchema());
    assertThat(withCertificate.getSchemaById(mutualId)).isEqualTo(ScanEvent.getClassSchema());
    var withoutCertificate = RestSchemaRegistryClient.fromConfig(config(mutual.url(), trust));
    assertThatThrownBy(withoutCertificate::getSubjects)
        .isInstanceOf(SchemaRegistryException.class)
        .hasMessageContaining("did not answer GET /subjects");
  }

  @Test
  void shouldRejectConfigurationWithTheKeyAndTheFix() {
    assertThatThrownBy(() -> SchemaRegistryConfig.from(Map.of()))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("schema.registry.url is not set");
    assertThatThrownBy(() -> SchemaRegistryConfig.from(Map.of(SchemaRegistryConfig.URL,
        "localhost:8081")))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("is not an http(s) URL");
    assertThatThrownBy(() -> SchemaRegistryConfig.from(Map.of(SchemaRegistryConfig.URL,
        "http://r:8081", SchemaRegistryConfig.AUTO_REGISTER_SCHEMAS, "yes")))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("auto.register.schemas=yes is not a boolean");
    assertThatThrownBy(() -> SchemaRegistryConfig.from(Map.of(SchemaRegistryConfig.URL,
        "http://r:8081", SchemaRegistryConfig.BASIC_AUTH_CREDENTIALS_SOURCE, "USER_INFO")))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("basic.auth.user.info is not set");
    assertThatThrownBy(() -> RestSchemaRegistryClient.fromConfig(Map.of(SchemaRegistryConfig.URL,
        "https://r:8081", SchemaRegistryConfig.TRUSTSTORE_LOCATION, "/nonexistent/trust.jks")))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("/nonexistent/trust.jks is not a readable file");
  }

  @Test
  void shouldReadConfluentDefaultsAndCommaSeparatedUrls() {
    SchemaRegistryConfig config = SchemaRegistryConfig.from(Map.of(SchemaRegistryConfig.URL,
        "http://a:8081/, http://b:8081"));
    assertThat(config.urlList()).isEqualTo("http://a:8081,http://b:8081");
    assertThat(config.autoRegisterSchemas()).isTrue();
    assertThat(config.useLatestVersion()).isFalse();
    assertThat(config.latestCompatibilityStrict()).isTrue();
    assertThat(config.specificAvroReader()).isFalse();
    assertThat(config.userInfo()).isEmpty();
  }

  private static void keytool(String... args) throws Exception {
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "keytool").toString());
    command.addAll(List.of(args));
    Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
    String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(process.waitFor()).as("keytool %s: %s", args[0], output).isZero();
  }
}
