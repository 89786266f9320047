package io.neurostream.ops;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.BindException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The operations HTTP endpoint of a service: {@code /metrics} (Prometheus text format),
 * {@code /live} and {@code /ready} (200 or 503 with a one-line reason). Built on the JDK's
 * HttpServer so that probes keep answering even when the service's own threads are busy.
 */
public final class OpsServer implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(OpsServer.class);

  private final HttpServer server;
  private final ExecutorService executor;
  private final java.util.List<String> routes =
      new java.util.concurrent.CopyOnWriteArrayList<>(java.util.List.of("/metrics", "/live", "/ready"));

  private OpsServer(HttpServer server, ExecutorService executor) {
    this.server = server;
    this.executor = executor;
  }

  /**
   * Starts serving on {@code port} (0 picks a free port) on all interfaces.
   *
   * @throws UncheckedIOException naming the port and the fix if it cannot bind
   */
  public static OpsServer start(
      int port, PrometheusMeterRegistry registry, HealthCheck live, HealthCheck ready) {
    HttpServer server;
    try {
      server = HttpServer.create(new InetSocketAddress(port), 16);
    } catch (BindException e) {
      throw new UncheckedIOException(
          "metrics.port=" + port + " is in use; set metrics.port to a free port (0 picks one)", e);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot open metrics.port=" + port + ": " + e.getMessage(), e);
    }
    server.createContext("/metrics", ex -> {
      String body = registry.scrape();
      respond(ex, 200, "text/plain; version=0.0.4; charset=utf-8", body);
    });
    // the probes as gauges too, so an alert can say which service is not ready, and for how long
    Gauge.builder("neurostream.ready", ready, c -> safeCheck(c).ok() ? 1 : 0)
        .description("1 while /ready answers 200, else 0").strongReference(true).register(registry);
    Gauge.builder("neurostream.live", live, c -> safeCheck(c).ok() ? 1 : 0)
        .description("1 while /live answers 200, else 0").strongReference(true).register(registry);
    server.createContext("/live", ex -> health(ex, live));
    server.createContext("/ready", ex -> health(ex, ready));
    ExecutorService executor = Executors.newFixedThreadPool(2, r -> {
      Thread t = new Thread(r, "ops-http");
      t.setDaemon(true);
      return t;
    });
    server.setExecutor(executor);
    server.start();
    OpsServer ops = new OpsServer(server, executor);
    LOG.info("ops endpoint listening on port {} (/metrics /live /ready)", ops.port());
    return ops;
  }

  /**
   * Serves {@code path} with {@code handler} too, e.g. a service's own operations endpoint such as
   * the trainer's {@code /train-now}.
   */
  public OpsServer route(String path, com.sun.net.httpserver.HttpHandler handler) {
    server.createContext(path, handler);
    routes.add(path);
    return this;
  }

  /** The paths served, e.g. {@code /metrics}, {@code /live}, {@code /ready}, {@code /train-now}. */
  public java.util.List<String> routes() {
    return java.util.List.copyOf(routes);
  }

  /** The port actually bound. */
  public int port() {
    return server.getAddress().getPort();
  }

  private static HealthCheck.Status safeCheck(HealthCheck check) {
    try {
      return check.check();
    } catch (RuntimeException e) {
      return HealthCheck.Status.down("check failed: " + e);
    }
  }

  private static void health(HttpExchange ex, HealthCheck check) throws IOException {
    HealthCheck.Status status = safeCheck(check);
    respond(ex, status.ok() ? 200 : 503, "text/plain; charset=utf-8", status.detail() + "\n");
  }

  /**
   * Sends {@code body} as the whole response (headers only for HEAD) and closes the exchange; for
   * the handlers services add with {@link #route}.
   */
  public static void respond(HttpExchange ex, int code, String type, String body)
      throws IOException {
    try (ex) {
      byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
      ex.getResponseHeaders().set("Content-Type", type);
      boolean head = "HEAD".equalsIgnoreCase(ex.getRequestMethod());
      ex.sendResponseHeaders(code, head ? -1 : bytes.length);
      if (!head) {
        try (OutputStream out = ex.getResponseBody()) {
          out.write(bytes);
        }
      }
    }
  }

  @Override
  public void close() {
    server.stop(0);
    executor.shutdownNow();
  }
}
