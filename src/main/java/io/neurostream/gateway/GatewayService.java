package io.neurostream.gateway;

import com.sun.net.httpserver.HttpServer;
import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsServer;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.neurostream.avro.ScanEvent;
import io.neurostream.imaging.DecodeLimits;
import io.neurostream.imaging.PatientKeys;
import io.neurostream.kafka.KafkaClients;
import io.neurostream.kafka.StatusPublisher;
import io.neurostream.kafka.Topics;
import io.neurostream.ops.HealthCheck;
import io.neurostream.ops.OpsServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.BindException;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.serialization.StringSerializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code neurostream gateway}: a DICOMweb STOW-RS endpoint that publishes every stored instance to
 * {@code mri.scans} (see {@link StowHandler}), with {@code /metrics}, {@code /live} and
 * {@code /ready} on the metrics port. Ready means the last publish succeeded (or none failed yet):
 * while Kafka is down the gateway answers 503 and says so on /ready, and recovers by itself.
 */
public final class GatewayService implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(GatewayService.class);

  private final HttpServer server;
  private final ExecutorService workers;
  private final ScanPublisher publisher;
  private final OpsServer ops;
  private final boolean https;
  private final CountDownLatch stopped = new CountDownLatch(1);
  private StatusPublisher status;

  private GatewayService(HttpServer server, ExecutorService workers, ScanPublisher publisher,
      OpsServer ops, boolean https) {
    this.server = server;
    this.workers = workers;
    this.publisher = publisher;
    this.ops = ops;
    this.https = https;
  }

  /** Starts the endpoint and the ops server; returns once both listen. */
  public static GatewayService start(GatewayConfig config, PrometheusMeterRegistry registry) {
    GatewayMetrics metrics = new GatewayMetrics(registry);
    ScanPublisher publisher = new ScanPublisher(() -> producer(config), Topics.SCANS.name(),
        Duration.ofSeconds(5));
    InstanceScans scans = new InstanceScans(new PatientKeys(config.patientKeySalt()),
        config.source(), DecodeLimits.DEFAULT);
    StowIngest ingest = new StowIngest(scans, publisher, metrics,
        config.ackTimeout().plusSeconds(2));
    StowHandler handler = new StowHandler(ingest,
        new GatewayAuth(config.bearerToken(), config.basicUserInfo()), metrics,
        config.maxRequestsInFlight(), config.admissionWait(), config.maxInstanceBytes(),
        config.maxRequestBytes());
    HttpServer server = bind(config);
    // threads beyond the in-flight bound answer the 503s and 4xx without waiting for a slot
    ExecutorService workers = Executors.newFixedThreadPool(config.maxRequestsInFlight() + 4, r -> {
      Thread t = new Thread(r, "stow-rs");
      t.setDaemon(true);
      return t;
    });
    server.setExecutor(workers);
    server.createContext(StowHandler.PREFIX, handler);
    server.start();
    OpsServer ops = OpsServer.start(config.common().metricsPort(), registry,
        HealthCheck.alwaysUp(),
        () -> publisher.healthy() ? HealthCheck.Status.up("publishing to " + Topics.SCANS.name())
            : HealthCheck.Status.down("the last publish to Kafka failed: " + publisher.lastError()
                + "; check bootstrap.servers and schema.registry.url"));
    GatewayService service = new GatewayService(server, workers, publisher, ops,
        config.tls().isPresent());
    LOG.info("STOW-RS listening on {}://0.0.0.0:{}{}", service.https ? "https" : "http",
        service.port(), StowHandler.PREFIX);
    service.status = StatusPublisher.start("gateway", Optional.empty(), ops.port(),
        KafkaClients.of(config.common()), StatusPublisher.DEFAULT_INTERVAL,
        () -> new StatusPublisher.Snapshot(Optional.empty(), publisher.healthy(),
            publisher.healthy() ? "publishing to " + Topics.SCANS.name()
                : "the last publish failed: " + publisher.lastError(), Map.of()));
    return service;
  }

  private static KafkaProducer<String, ScanEvent> producer(GatewayConfig config) {
    Map<String, Object> props = new HashMap<>(KafkaClients.of(config.common()).producerProperties());
    // ours, not the operator's: what "stored" means depends on them
    props.put(ProducerConfig.ACKS_CONFIG, "all");
    props.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
    long ack = config.ackTimeout().toMillis();
    props.putIfAbsent(ProducerConfig.LINGER_MS_CONFIG, 5);
    props.put(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, (int) Math.min(30_000, ack / 2));
    props.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, (int) ack);
    props.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, Math.min(5_000, ack / 2));
    props.putIfAbsent(ProducerConfig.CLIENT_ID_CONFIG, "neurostream-gateway");
    return new KafkaProducer<>(props, new StringSerializer(),
        Topics.SCANS.valueSerde(config.common().serdeConfig()).serializer());
  }

  private static HttpServer bind(GatewayConfig config) {
    InetSocketAddress address = new InetSocketAddress(config.port());
    try {
      if (config.tls().isEmpty()) {
        return HttpServer.create(address, 64);
      }
      HttpsServer server = HttpsServer.create(address, 64);
      server.setHttpsConfigurator(new HttpsConfigurator(sslContext(config.tls().get())));
      return server;
    } catch (BindException e) {
      throw new UncheckedIOException("gateway.port=" + config.port() + " is in use; set "
          + "gateway.port to a free port (0 picks one)", e);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot open gateway.port=" + config.port() + ": "
          + e.getMessage(), e);
    }
  }

  private static SSLContext sslContext(GatewayConfig.Tls tls) {
    try (InputStream in = Files.newInputStream(tls.keystore())) {
      KeyStore store = KeyStore.getInstance(tls.type());
      store.load(in, tls.password().toCharArray());
      KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
      kmf.init(store, tls.password().toCharArray());
      SSLContext ctx = SSLContext.getInstance("TLS");
      ctx.init(kmf.getKeyManagers(), null, null);
      return ctx;
    } catch (IOException | GeneralSecurityException e) {
      throw new IllegalArgumentException("cannot load gateway.tls.keystore.location="
          + tls.keystore() + " (" + e.getMessage() + "); check the file, "
          + "gateway.tls.keystore.password and gateway.tls.keystore.type", e);
    }
  }

  /** The STOW-RS port actually bound. */
  public int port() {
    return server.getAddress().getPort();
  }

  /** The ops (metrics, probes) port actually bound. */
  public int metricsPort() {
    return ops.port();
  }

  /** Blocks until {@link #close()}; 0. */
  public int awaitStopped() throws InterruptedException {
    stopped.await();
    return 0;
  }

  /** Stops taking requests, lets those in hand finish (up to 10 s), flushes and closes. */
  @Override
  public synchronized void close() {
    if (stopped.getCount() == 0) {
      return;
    }
    if (status != null) {
      status.close();
    }
    server.stop(10);
    workers.shutdown();
    publisher.close();
    ops.close();
    stopped.countDown();
  }
}
