package io.neurostream.platform.registry;

import com.sun.net.httpserver.HttpServer;
import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsParameters;
import com.sun.net.httpserver.HttpsServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A Confluent-compatible schema registry inside this JVM: the REST API that serdes and Confluent's
 * clients use (see {@link RegistryHttpApi}) over the JDK's HTTP server. Like Confluent's, it keeps
 * schemas in a compacted Kafka topic ({@code _schemas}) and reads it to the end on start, so ids
 * survive a restart; {@link #startInMemory} keeps them in memory only, for fast unit tests.
 *
 * <pre>{@code
 * try (var registry = EmbeddedSchemaRegistry.start(8081, kafka.bootstrapServers())) {
 *   props.put("schema.registry.url", registry.url());
 * }
 * }</pre>
 *
 * <p>One registry process should write a given topic at a time (Confluent elects a leader; this
 * one does not).
 */
public final class EmbeddedSchemaRegistry implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(EmbeddedSchemaRegistry.class);

  private final HttpServer server;
  private final ExecutorService executor;
  private final RegistryLog log;
  private final String url;

  private EmbeddedSchemaRegistry(HttpServer server, ExecutorService executor, RegistryLog log,
      String url) {
    this.server = server;
    this.executor = executor;
    this.log = log;
    this.url = url;
  }

  /**
   * Starts a registry on {@code port} (0 picks a free one) keeping its schemas in the
   * {@code _schemas} topic of the Kafka cluster at {@code kafkaBootstrap}.
   */
  public static EmbeddedSchemaRegistry start(int port, String kafkaBootstrap) {
    return builder().optPort(port).optKafka(kafkaBootstrap).start();
  }

  /** Starts a registry on {@code port} (0 picks a free one) that keeps schemas in memory only. */
  public static EmbeddedSchemaRegistry startInMemory(int port) {
    return builder().optPort(port).start();
  }

  /** Options beyond the two {@code start} forms: topic, bind address, basic auth, TLS. */
  public static Builder builder() {
    return new Builder();
  }

  /** The base URL clients use, e.g. {@code http://localhost:8081}. */
  public String url() {
    return url;
  }

  /** The port the registry listens on. */
  public int port() {
    return server.getAddress().getPort();
  }

  @Override
  public void close() {
    server.stop(0);
    executor.shutdownNow();
    try {
      executor.awaitTermination(5, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    log.close();
    LOG.info("Schema registry at {} stopped", url);
  }

  /** Builds a registry: {@code opt*} settings all have defaults. */
  public static final class Builder {
    private int port = 0;
    private String bindAddress;
    private String advertisedHost = "localhost";
    private String kafkaBootstrap;
    private Map<String, Object> kafkaClientProperties = Map.of();
    private String topic = KafkaRegistryLog.DEFAULT_TOPIC;
    private Duration kafkaTimeout = Duration.ofSeconds(30);
    private Optional<String> userInfo = Optional.empty();
    private SSLContext sslContext;
    private boolean requireClientCertificate;

    private Builder() {}

    /** Port to listen on; 0 (the default) picks a free one. */
    public Builder optPort(int port) {
      this.port = port;
      return this;
    }

    /** Address to bind; default every interface (IPv4 and IPv6). */
    public Builder optBindAddress(String bindAddress) {
      this.bindAddress = bindAddress;
      return this;
    }

    /** Host name put into {@link #url()}; default {@code localhost}. */
    public Builder optAdvertisedHost(String host) {
      this.advertisedHost = host;
      return this;
    }

    /** Keep schemas in this Kafka cluster's {@code _schemas} topic; without it, in memory. */
    public Builder optKafka(String bootstrapServers) {
      this.kafkaBootstrap = bootstrapServers;
      return this;
    }

    /**
     * Kafka client properties beyond {@code bootstrap.servers} for the schema topic's clients,
     * e.g. {@code security.protocol}, {@code sasl.jaas.config}, {@code ssl.truststore.location}.
     */
    public Builder optKafkaClientProperties(Map<String, ?> properties) {
      this.kafkaClientProperties = Map.copyOf(properties);
      return this;
    }

    /** The schema topic's name; default {@code _schemas}. */
    public Builder optTopic(String topic) {
      this.topic = topic;
      return this;
    }

    /** Bound on reaching Kafka at start and on each write; default 30 s. */
    public Builder optKafkaTimeout(Duration timeout) {
      this.kafkaTimeout = timeout;
      return this;
    }

    /** Require HTTP basic auth with these credentials on every request. */
    public Builder optBasicAuth(String user, String password) {
      this.userInfo = Optional.of(user + ":" + password);
      return this;
    }

    /** Serve HTTPS with this context instead of HTTP. */
    public Builder optTls(SSLContext context) {
      return optTls(context, false);
    }

    /**
     * Serve HTTPS with this context; with {@code requireClientCertificate}, only clients presenting
     * a certificate the context trusts get through (mutual TLS).
     */
    public Builder optTls(SSLContext context, boolean requireClientCertificate) {
      this.sslContext = context;
      this.requireClientCertificate = requireClientCertificate;
      return this;
    }

    private InetSocketAddress address() {
      return bindAddress == null ? new InetSocketAddress(port) : new InetSocketAddress(bindAddress, port);
    }

    private Map<String, Object> kafkaClient() {
      Map<String, Object> client = new HashMap<>(kafkaClientProperties);
      client.put("bootstrap.servers", kafkaBootstrap);
      return client;
    }

    /** Reads the log (if Kafka-backed), then starts serving. */
    public EmbeddedSchemaRegistry start() {
      RegistryLog log = kafkaBootstrap == null
          ? RegistryLog.inMemory()
          : new KafkaRegistryLog(kafkaClient(), topic, kafkaTimeout);
      try {
        SchemaStore store = new SchemaStore(log);
        HttpServer server;
        if (sslContext != null) {
          HttpsServer https = HttpsServer.create(address(), 64);
          boolean needClientAuth = requireClientCertificate;
          https.setHttpsConfigurator(new HttpsConfigurator(sslContext) {
            @Override
            public void configure(HttpsParameters params) {
              SSLParameters parameters = sslContext.getDefaultSSLParameters();
              parameters.setNeedClientAuth(needClientAuth);
              params.setSSLParameters(parameters);
            }
          });
          server = https;
        } else {
          server = HttpServer.create(address(), 64);
        }
        AtomicInteger threads = new AtomicInteger();
        ExecutorService executor = Executors.newFixedThreadPool(8, task -> {
          Thread thread = new Thread(task, "schema-registry-http-" + threads.incrementAndGet());
          thread.setDaemon(true);
          return thread;
        });
        Optional<String> expected = userInfo.map(info -> "Basic "
            + Base64.getEncoder().encodeToString(info.getBytes(StandardCharsets.UTF_8)));
        server.createContext("/", new RegistryHttpApi(store, expected));
        server.setExecutor(executor);
        server.start();
        String scheme = sslContext != null ? "https" : "http";
        String url = scheme + "://" + advertisedHost + ":" + server.getAddress().getPort();
        LOG.info("Schema registry listening at {} (schemas in {})", url, log.describe());
        return new EmbeddedSchemaRegistry(server, executor, log, url);
      } catch (IOException e) {
        log.close();
        throw new UncheckedIOException("Could not start the schema registry on port " + port
            + ": " + e.getMessage() + "; pick another port (--registry-port) or stop what uses it",
            e);
      } catch (RuntimeException e) {
        log.close();
        throw e;
      }
    }
  }
}
