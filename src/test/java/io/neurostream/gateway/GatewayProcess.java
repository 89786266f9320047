package io.neurostream.gateway;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** {@code neurostream gateway} in a child JVM on the test class path, so a test can SIGKILL it. */
public final class GatewayProcess implements AutoCloseable {

  private static final HttpClient HTTP =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
  private final Process process;
  private final int metricsPort;
  private final Path log;

  private GatewayProcess(Process process, int metricsPort, Path log) {
    this.process = process;
    this.metricsPort = metricsPort;
    this.log = log;
  }

  /** Starts a gateway on {@code port} and waits until /ready answers 200. */
  public static GatewayProcess start(Path log, int port, String bootstrap, String registry)
      throws Exception {
    int metricsPort = OrthancProcess.freePort();
    List<String> cmd = new ArrayList<>(List.of(
        Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx256m",
        "-cp", System.getProperty("java.class.path"), "io.neurostream.cli.NeuroStream", "gateway",
        "--port", Integer.toString(port), "--metrics-port", Integer.toString(metricsPort),
        "--bootstrap", bootstrap, "--registry", registry,
        "--set", "patient.key.salt=" + Gateways.SALT));
    Files.writeString(log, "\n=== start\n", StandardOpenOption.CREATE, StandardOpenOption.APPEND);
    ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true)
        .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
    pb.environment().keySet().removeIf(k -> k.startsWith("NEUROSTREAM_") || k.startsWith("KAFKA_"));
    GatewayProcess gateway = new GatewayProcess(pb.start(), metricsPort, log);
    gateway.awaitLive(Duration.ofSeconds(60));
    return gateway;
  }

  private void awaitLive(Duration timeout) throws Exception {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (System.nanoTime() < deadline) {
      if (!process.isAlive()) {
        throw new AssertionError("gateway exited with " + process.exitValue() + "; see " + log);
      }
      try {
        HttpResponse<Void> r = HTTP.send(HttpRequest.newBuilder(
                URI.create("http://127.0.0.1:" + metricsPort + "/live")).build(),
            HttpResponse.BodyHandlers.discarding());
        if (r.statusCode() == 200) {
          return;
        }
      } catch (IOException e) {
        // not up yet
      }
      Thread.sleep(100);
    }
    throw new AssertionError("gateway not live within " + timeout + "; see " + log);
  }

  /** SIGKILL: no shutdown hook, no flush. */
  public void kill() throws InterruptedException {
    process.destroyForcibly();
    process.waitFor(30, TimeUnit.SECONDS);
  }

  @Override
  public void close() throws InterruptedException {
    if (process.isAlive()) {
      kill();
    }
  }
}
