package io.neurostream.bench;

import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.neurostream.config.CommonKeys;
import io.neurostream.config.ConfigSources;
import io.neurostream.config.Configuration;
import io.neurostream.gateway.GatewayConfig;
import io.neurostream.gateway.GatewayKeys;
import io.neurostream.gateway.GatewayService;
import io.neurostream.kafka.TopicProvisioner;
import io.neurostream.kafka.Topics;
import io.neurostream.platform.EmbeddedKafka;
import io.neurostream.platform.registry.EmbeddedSchemaRegistry;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.apache.kafka.clients.admin.Admin;

/**
 * Instances per second through the gateway: STOW-RS requests from concurrent clients, decoded,
 * re-encoded and acknowledged by an embedded broker with {@code acks=all}, all in this JVM (so the
 * CPU time reported is the gateway's, the broker's and the clients' together: an upper bound of
 * the gateway's own cost). Payload kinds alternate within one sitting; the first pass of each is
 * a warm-up and is not reported.
 */
public final class GatewayBenchmark implements AutoCloseable {

  /** One measured pass: instances, wall seconds, process CPU seconds, request bytes. */
  public record Pass(int instances, double wallSeconds, double cpuSeconds, long bytes) {
    public double perSecond() {
      return instances / wallSeconds;
    }
  }

  private static final String BOUNDARY = "neurostream-bench-boundary";
  private final EmbeddedKafka kafka;
  private final EmbeddedSchemaRegistry registry;
  private final GatewayService gateway;
  private final HttpClient http = HttpClient.newHttpClient();

  private GatewayBenchmark(EmbeddedKafka kafka, EmbeddedSchemaRegistry registry,
      GatewayService gateway) {
    this.kafka = kafka;
    this.registry = registry;
    this.gateway = gateway;
  }

  /** Starts a broker, the registry and a gateway in {@code dir}. */
  public static GatewayBenchmark start(Path dir, int maxRequestsInFlight) {
    EmbeddedKafka kafka = EmbeddedKafka.start(dir.resolve("kafka"), 0);
    try (Admin admin = Admin.create(Map.of("bootstrap.servers", kafka.bootstrapServers()))) {
      new TopicProvisioner(admin, Duration.ofSeconds(60))
          .provision(Topics.all(), TopicProvisioner.Mode.CREATE);
    }
    EmbeddedSchemaRegistry registry = EmbeddedSchemaRegistry.start(0, kafka.bootstrapServers());
    Configuration c = Configuration.load(ConfigSources.builder().optEnv(Map.of())
        .optOverrides(Map.of("bootstrap.servers", kafka.bootstrapServers(),
            "schema.registry.url", registry.url(), "gateway.port", "0", "metrics.port", "0",
            "patient.key.salt", "bench-salt",
            "gateway.max.requests.in.flight", Integer.toString(maxRequestsInFlight)))
        .build(), new CommonKeys(), new GatewayKeys());
    GatewayService gateway = GatewayService.start(GatewayConfig.from(c),
        new PrometheusMeterRegistry(PrometheusConfig.DEFAULT));
    return new GatewayBenchmark(kafka, registry, gateway);
  }

  /**
   * Posts {@code instances} (cycled) in requests of {@code perRequest} from {@code clients}
   * threads and times it. Every request must be answered 200.
   */
  public Pass run(List<byte[]> instances, int total, int perRequest, int clients)
      throws Exception {
    List<byte[]> bodies = new ArrayList<>();
    long bytes = 0;
    for (int first = 0; first < total; first += perRequest) {
      List<byte[]> parts = new ArrayList<>();
      for (int i = first; i < Math.min(total, first + perRequest); i++) {
        parts.add(instances.get(i % instances.size()));
      }
      byte[] body = body(parts);
      bodies.add(body);
      bytes += body.length;
    }
    ExecutorService pool = Executors.newFixedThreadPool(clients);
    var os = (com.sun.management.OperatingSystemMXBean)
        ManagementFactory.getOperatingSystemMXBean();
    long cpu0 = os.getProcessCpuTime();
    long t0 = System.nanoTime();
    try {
      List<Future<Integer>> answers = new ArrayList<>();
      for (byte[] body : bodies) {
        answers.add(pool.submit(() -> post(body)));
      }
      for (Future<Integer> a : answers) {
        int status = a.get();
        if (status != 200) {
          throw new IllegalStateException("the gateway answered " + status + "; see its log");
        }
      }
    } finally {
      pool.shutdownNow();
    }
    double wall = (System.nanoTime() - t0) / 1e9;
    double cpu = (os.getProcessCpuTime() - cpu0) / 1e9;
    return new Pass(total, wall, cpu, bytes);
  }

  private int post(byte[] body) throws IOException, InterruptedException {
    HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + gateway.port()
            + "/dicom-web/studies"))
        .header("Content-Type",
            "multipart/related; type=\"application/dicom\"; boundary=" + BOUNDARY)
        .POST(HttpRequest.BodyPublishers.ofByteArray(body)).build();
    return http.send(request, HttpResponse.BodyHandlers.discarding()).statusCode();
  }

  static byte[] body(List<byte[]> parts) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    for (byte[] p : parts) {
      out.writeBytes(("--" + BOUNDARY + "\r\nContent-Type: application/dicom\r\n\r\n")
          .getBytes(StandardCharsets.US_ASCII));
      out.writeBytes(p);
      out.writeBytes("\r\n".getBytes(StandardCharsets.US_ASCII));
    }
    out.writeBytes(("--" + BOUNDARY + "--\r\n").getBytes(StandardCharsets.US_ASCII));
    return out.toByteArray();
  }

  /** The median of the passes' rates. */
  public static double medianRate(List<Pass> passes) {
    List<Double> rates = new ArrayList<>(passes.stream().map(Pass::perSecond).toList());
    Collections.sort(rates);
    return rates.get(rates.size() / 2);
  }

  @Override
  public void close() {
    gateway.close();
    registry.close();
    kafka.close();
  }
}
