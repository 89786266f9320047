package io.neurostream.platform;

import io.neurostream.kafka.Topics;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.net.BindException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import kafka.server.KafkaConfig;
import kafka.server.KafkaRaftServer;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.utils.Time;
import org.apache.kafka.metadata.storage.Formatter;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A real Apache Kafka broker running in this JVM: one KRaft node that is both broker and
 * controller, started through Kafka's own {@link KafkaRaftServer}. It backs the demo ({@code
 * neurostream stack}) and the integration tests, so it is tuned for a single node (internal topics
 * with replication factor 1, no initial rebalance delay, transactions available for Kafka Streams
 * {@code exactly_once_v2}, records up to {@link #MAX_MESSAGE_BYTES}).
 *
 * <p>With {@link Builder#optSaslSsl} it also listens for clients as a managed Kafka does, over TLS
 * with SASL/SCRAM-SHA-512 logins ({@link #saslSslBootstrapServers()}).
 *
 * <p>Its data directory survives a restart: storage is formatted only when the directory has no
 * {@code meta.properties} yet, and a restart on the same directory reuses the cluster id, topics
 * and records.
 *
 * <pre>{@code
 * try (EmbeddedKafka kafka = EmbeddedKafka.builder().setDataDir(dir).optPort(0).start()) {
 *   String bootstrap = kafka.bootstrapServers();
 * }
 * }</pre>
 */
public final class EmbeddedKafka implements AutoCloseable {

  /** Largest record batch the broker accepts; model artifact chunks and scans stay below it. */
  public static final int MAX_MESSAGE_BYTES = Topics.MAX_ARTIFACT_RECORD_BYTES;

  private static final Logger log = LoggerFactory.getLogger(EmbeddedKafka.class);
  private static final int NODE_ID = 1;
  private static final String BROKER_LISTENER = "PLAINTEXT";
  private static final String CONTROLLER_LISTENER = "CONTROLLER";
  private static final String META_PROPERTIES = "meta.properties";
  /** A free port picked by probing may be taken before the broker binds it; then we try again. */
  private static final int BIND_ATTEMPTS = 3;

  private final KafkaRaftServer server;
  private final DirectoryLock lock;
  private final Path dataDir;
  private final String clusterId;
  private final String bootstrapServers;
  private final String saslSslBootstrapServers;

  private EmbeddedKafka(KafkaRaftServer server, DirectoryLock lock, Path dataDir, String clusterId,
      String bootstrap, String saslSslBootstrap) {
    this.server = server;
    this.lock = lock;
    this.dataDir = dataDir;
    this.clusterId = clusterId;
    this.bootstrapServers = bootstrap;
    this.saslSslBootstrapServers = saslSslBootstrap;
  }

  /** Starts a broker on a free port with its data in {@code dataDir}. */
  public static EmbeddedKafka start(Path dataDir, int port) {
    return builder().setDataDir(dataDir).optPort(port).start();
  }

  /** A builder: {@code setDataDir} is required, the rest is optional. */
  public static Builder builder() {
    return new Builder();
  }

  /** The address clients connect to, e.g. {@code localhost:9092}. */
  public String bootstrapServers() {
    return bootstrapServers;
  }

  /**
   * The address of the {@link SaslSslListener} ({@code security.protocol=SASL_SSL}), e.g. {@code
   * localhost:9093}.
   *
   * @throws IllegalStateException if the broker was started without one
   */
  public String saslSslBootstrapServers() {
    if (saslSslBootstrapServers == null) {
      throw new IllegalStateException("this broker has no SASL_SSL listener; start it with optSaslSsl(...)");
    }
    return saslSslBootstrapServers;
  }

  /** The cluster id stored in the data directory's {@code meta.properties}. */
  public String clusterId() {
    return clusterId;
  }

  /** Where the broker keeps its logs and metadata. */
  public Path dataDir() {
    return dataDir;
  }

  /** Stops the broker and waits until it has released its data directory. */
  @Override
  public void close() {
    try {
      server.shutdown();
      server.awaitShutdown();
    } finally {
      lock.close();
    }
    log.info("Kafka broker at {} stopped", bootstrapServers);
  }

  /** Options for {@link EmbeddedKafka}; {@code set*} is required, {@code opt*} optional. */
  public static final class Builder {
    private Path dataDir;
    private int port = 0;
    private String host = "localhost";
    private String advertisedHost;
    private SaslSslListener saslSsl;
    private final Map<String, String> overrides = new LinkedHashMap<>();

    private Builder() {}

    /** The directory for logs and metadata; created if missing, formatted if not yet formatted. */
    public Builder setDataDir(Path dir) {
      this.dataDir = Objects.requireNonNull(dir, "dataDir");
      return this;
    }

    /** The client port; 0 (the default) picks a free one. */
    public Builder optPort(int port) {
      if (port < 0 || port > 65535) {
        throw new IllegalArgumentException("Kafka port " + port + " is outside 0..65535; use 0 for a free port");
      }
      this.port = port;
      return this;
    }

    /** The interface to listen on ({@code localhost} by default, {@code 0.0.0.0} for all). */
    public Builder optHost(String host) {
      this.host = Objects.requireNonNull(host, "host");
      return this;
    }

    /** The host name given to clients (defaults to the listen host, or localhost for 0.0.0.0). */
    public Builder optAdvertisedHost(String advertisedHost) {
      this.advertisedHost = Objects.requireNonNull(advertisedHost, "advertisedHost");
      return this;
    }

    /** Also listen for TLS + SCRAM clients on a second free port ({@link #saslSslBootstrapServers}). */
    public Builder optSaslSsl(SaslSslListener listener) {
      this.saslSsl = Objects.requireNonNull(listener, "listener");
      return this;
    }

    /** Any broker property, applied over the single-node defaults. */
    public Builder optBrokerProperty(String key, String value) {
      overrides.put(key, value);
      return this;
    }

    /** Formats the data directory if needed, starts the broker and waits until it serves clients. */
    public EmbeddedKafka start() {
      if (dataDir == null) {
        throw new IllegalStateException("EmbeddedKafka needs a data directory; call setDataDir(...)");
      }
      long started = System.nanoTime();
      Path dir = dataDir.toAbsolutePath();
      try {
        Files.createDirectories(dir);
      } catch (IOException e) {
        throw new UncheckedIOException("Cannot create Kafka data directory " + dir + "; check its permissions", e);
      }
      // Kafka locks log.dirs but not before its Raft client has opened the metadata log, so a
      // second broker on the same directory would corrupt the first one's metadata. Lock first.
      DirectoryLock lock = DirectoryLock.acquire(dir);
      try {
        return startLocked(dir, lock, started);
      } catch (RuntimeException e) {
        lock.close();
        throw e;
      }
    }

    private EmbeddedKafka startLocked(Path dir, DirectoryLock lock, long started) {
      for (int attempt = 1; ; attempt++) {
        int brokerPort = port == 0 ? freePort() : port;
        int controllerPort = freePort();
        int securePort = saslSsl == null ? -1 : freePort();
        KafkaConfig config = new KafkaConfig(brokerProperties(dir, brokerPort, controllerPort, securePort), false);
        String clusterId = formatIfNeeded(dir, saslSsl);
        KafkaRaftServer server = new KafkaRaftServer(config, Time.SYSTEM);
        try {
          server.startup();
        } catch (RuntimeException e) {
          safeShutdown(server);
          if (isBindFailure(e) && port == 0 && attempt < BIND_ATTEMPTS) {
            log.warn("A probed free port was taken before Kafka bound it; retrying ({})", e.getMessage());
            continue;
          }
          if (isBindFailure(e)) {
            throw new IllegalStateException("Kafka cannot listen on " + host + ":" + brokerPort
                + " (port in use?); pick another port or 0 for a free one", e);
          }
          throw new IllegalStateException("Kafka broker failed to start on " + dir + ": " + e.getMessage(), e);
        }
        String bootstrap = advertised() + ":" + brokerPort;
        awaitReady(bootstrap, server);
        log.info("Kafka broker ready at {} (cluster {}, data {}) in {} ms", bootstrap, clusterId, dir,
            TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started));
        return new EmbeddedKafka(server, lock, dir, clusterId, bootstrap,
            securePort < 0 ? null : advertised() + ":" + securePort);
      }
    }

    private String advertised() {
      if (advertisedHost != null) {
        return advertisedHost;
      }
      return "0.0.0.0".equals(host) || "::".equals(host) ? "localhost" : host;
    }

    private Map<String, Object> brokerProperties(Path dir, int brokerPort, int controllerPort, int securePort) {
      Map<String, Object> props = new HashMap<>();
      props.put("process.roles", "broker,controller");
      props.put("node.id", Integer.toString(NODE_ID));
      // Static quorum: the voter address lives in the config, not in the log, so a restart may
      // pick a different controller port on the same data directory.
      props.put("controller.quorum.voters", NODE_ID + "@localhost:" + controllerPort);
      props.put("controller.listener.names", CONTROLLER_LISTENER);
      props.put("inter.broker.listener.name", BROKER_LISTENER);
      String secure = "";
      String secureAdvertised = "";
      String secureProtocol = "";
      if (saslSsl != null) {
        String name = SaslSslListener.NAME;
        secure = "," + name + "://" + host + ":" + securePort;
        secureAdvertised = "," + name + "://" + advertised() + ":" + securePort;
        secureProtocol = "," + name + ":" + name;
        props.putAll(saslSsl.brokerProperties());
      }
      props.put("listeners", BROKER_LISTENER + "://" + host + ":" + brokerPort + secure + ","
          + CONTROLLER_LISTENER + "://localhost:" + controllerPort);
      props.put("advertised.listeners", BROKER_LISTENER + "://" + advertised() + ":" + brokerPort + secureAdvertised);
      props.put("listener.security.protocol.map",
          BROKER_LISTENER + ":PLAINTEXT," + CONTROLLER_LISTENER + ":PLAINTEXT" + secureProtocol);
      props.put("log.dirs", dir.toString());
      props.put("metadata.log.dir", dir.toString());
      // One node: every internal topic has a single replica.
      props.put("offsets.topic.replication.factor", "1");
      props.put("offsets.topic.num.partitions", "10");
      props.put("transaction.state.log.replication.factor", "1");
      props.put("transaction.state.log.min.isr", "1");
      props.put("transaction.state.log.num.partitions", "10");
      props.put("share.coordinator.state.topic.replication.factor", "1");
      props.put("share.coordinator.state.topic.min.isr", "1");
      props.put("default.replication.factor", "1");
      props.put("min.insync.replicas", "1");
      props.put("num.partitions", "1");
      // Tests and the demo start a consumer group and expect it to work at once.
      props.put("group.initial.rebalance.delay.ms", "0");
      props.put("message.max.bytes", Integer.toString(MAX_MESSAGE_BYTES));
      props.put("replica.fetch.max.bytes", Integer.toString(MAX_MESSAGE_BYTES));
      // The cleaner's default 128 MiB dedupe buffer is far more than a laptop demo needs.
      props.put("log.cleaner.dedupe.buffer.size", Integer.toString(4 * 1024 * 1024));
      props.putAll(overrides);
      return props;
    }

    /**
     * Formats storage on first use, with the SCRAM users of {@code saslSsl} (may be null) in the
     * bootstrap metadata; afterwards returns the cluster id already on disk.
     */
    private static String formatIfNeeded(Path dir, SaslSslListener saslSsl) {
      Path meta = dir.resolve(META_PROPERTIES);
      if (Files.exists(meta)) {
        return readClusterId(meta);
      }
      String clusterId = Uuid.randomUuid().toString();
      Formatter formatter = new Formatter()
          .setPrintStream(new PrintStream(PrintStream.nullOutputStream()))
          .setNodeId(NODE_ID)
          .setClusterId(clusterId)
          .setDirectories(List.of(dir.toString()))
          .setMetadataLogDirectory(dir.toString())
          .setControllerListenerName(CONTROLLER_LISTENER);
      if (saslSsl != null) {
        formatter.setScramArguments(saslSsl.scramArguments());
      }
      try {
        formatter.run();
      } catch (Exception e) {
        throw new IllegalStateException("Cannot format Kafka storage in " + dir + ": " + e.getMessage()
            + "; remove the directory or pick another --data-dir", e);
      }
      log.info("Formatted Kafka storage in {} (cluster {})", dir, clusterId);
      return clusterId;
    }

    private static String readClusterId(Path meta) {
      Properties props = new Properties();
      try (InputStream in = Files.newInputStream(meta)) {
        props.load(in);
      } catch (IOException e) {
        throw new UncheckedIOException("Cannot read " + meta + "; remove the data directory to start afresh", e);
      }
      String id = props.getProperty("cluster.id");
      if (id == null || id.isBlank()) {
        throw new IllegalStateException(meta + " has no cluster.id; remove the data directory to start afresh");
      }
      return id;
    }

    /** Startup returns once the broker is unfenced; one admin round trip proves clients get in. */
    private static void awaitReady(String bootstrap, KafkaRaftServer server) {
      Map<String, Object> props = Map.of(
          AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
          AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 30_000,
          AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, 10_000);
      try (Admin admin = Admin.create(props)) {
        admin.describeCluster().nodes().get(30, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        safeShutdown(server);
        throw new IllegalStateException("Interrupted while waiting for Kafka at " + bootstrap, e);
      } catch (ExecutionException | TimeoutException e) {
        safeShutdown(server);
        throw new IllegalStateException("Kafka at " + bootstrap + " did not answer after startup: " + e.getMessage(), e);
      }
    }

    private static void safeShutdown(KafkaRaftServer server) {
      try {
        server.shutdown();
        server.awaitShutdown();
      } catch (RuntimeException e) {
        log.debug("Ignoring failure while stopping a broker that did not start", e);
      }
    }

    private static boolean isBindFailure(Throwable e) {
      for (Throwable t = e; t != null; t = t.getCause()) {
        if (t instanceof BindException
            || (t.getMessage() != null && t.getMessage().contains("Address already in use"))) {
          return true;
        }
      }
      return false;
    }

    private static int freePort() {
      try (ServerSocket socket = new ServerSocket()) {
        socket.setReuseAddress(true);
        socket.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
        return socket.getLocalPort();
      } catch (IOException e) {
        throw new UncheckedIOException("Cannot find a free port for Kafka", e);
      }
    }
  }
}
