package io.neurostream.classifier;

import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * {@code neurostream classifier} in a child JVM on the test class path, so a test can kill it
 * hard ({@code destroyForcibly}, i.e. SIGKILL), stop it with SIGTERM, and read its resident memory.
 */
public final class ClassifierProcess implements AutoCloseable {

  private static final HttpClient HTTP = HttpClient.newBuilder()
      .connectTimeout(Duration.ofSeconds(2)).build();
  private static final Pattern MODEL = Pattern.compile("model=(\\S+)");

  private final Process process;
  private final int metricsPort;
  private final Path log;

  private ClassifierProcess(Process process, int metricsPort, Path log) {
    this.process = process;
    this.metricsPort = metricsPort;
    this.log = log;
  }

  /**
   * The arguments of a classifier that survives hard kills as the crash tests need it: on {@code
   * stack}, serving {@code bundle}, with a static group membership (a restart takes the crashed
   * member's place at once instead of after its session), short transactions and a per-image
   * inference bound; tests add their own after these.
   */
  public static List<String> crashTestArgs(io.neurostream.platform.KafkaStack stack, Path bundle,
      String applicationId, Path stateDir) {
    return new ArrayList<>(List.of(
        "--bootstrap", stack.bootstrap(),
        "--registry", stack.registryUrl(),
        "--model", bundle.toString(),
        "--application-id", applicationId,
        "--state-dir", stateDir.toString(),
        "--set", "main.consumer.group.instance.id=" + applicationId + "-instance",
        "--set", "transaction.timeout.ms=20000",
        "--set", "inference.max.ms.per.image=200"));
  }

  /**
   * Starts a classifier.
   *
   * @param log file receiving the child's stdout and stderr (appended)
   * @param jvmOptions extra JVM options, e.g. a fixed heap
   * @param args arguments after {@code classifier}; {@code --metrics-port} is added
   */
  public static ClassifierProcess start(Path log, List<String> jvmOptions, List<String> args)
      throws IOException {
    int port = freePort();
    List<String> cmd = new ArrayList<>();
    cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    cmd.addAll(jvmOptions);
    for (String prop : List.of("ai.djl.offline", "DJL_CACHE_DIR", "ai.djl.default_engine",
        "java.io.tmpdir")) {
      String v = System.getProperty(prop);
      if (v != null) {
        cmd.add("-D" + prop + "=" + v);
      }
    }
    cmd.add("-cp");
    cmd.add(System.getProperty("java.class.path"));
    cmd.add("io.neurostream.cli.NeuroStream");
    cmd.add("classifier");
    cmd.addAll(args);
    cmd.add("--metrics-port");
    cmd.add(Integer.toString(port));
    // tests start several JVMs on a busy machine at once: wait for the broker longer than the
    // 15 s default a real deployment gets
    cmd.add("--set");
    cmd.add("bootstrap.wait.ms=120000");
    ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true)
        .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
    Map<String, String> env = pb.environment();
    env.keySet().removeIf(k -> k.startsWith("NEUROSTREAM_") || k.startsWith("KAFKA_"));
    // fewer glibc arenas: freed native memory is reused instead of spread over many arenas
    env.put("MALLOC_ARENA_MAX", "2");
    Files.writeString(log, "\n=== start " + String.join(" ", args) + "\n",
        java.nio.file.StandardOpenOption.CREATE, java.nio.file.StandardOpenOption.APPEND);
    return new ClassifierProcess(pb.start(), port, log);
  }

  /** Waits until {@code /ready} answers 200 (streams RUNNING and a model loaded). */
  public void awaitReady(Duration timeout) throws Exception {
    await("classifier ready (log: " + log + ")").atMost(timeout).pollInterval(Duration.ofMillis(200))
        .until(() -> {
          if (!process.isAlive()) {
            throw new AssertionError("classifier exited with " + process.exitValue() + "; see " + log);
          }
          return readyBody() != null;
        });
  }

  /** The body of {@code /ready} when it says ready, else null. */
  private String readyBody() {
    try {
      HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(
              URI.create("http://localhost:" + metricsPort + "/ready"))
          .timeout(Duration.ofSeconds(2)).build(), HttpResponse.BodyHandlers.ofString());
      return r.statusCode() == 200 ? r.body() : null;
    } catch (IOException e) {
      return null;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return null;
    }
  }

  /** {@code /live}: the status code and body, or code 0 when the endpoint does not answer. */
  public HttpResponse<String> live() {
    try {
      return HTTP.send(HttpRequest.newBuilder(
              URI.create("http://localhost:" + metricsPort + "/live"))
          .timeout(Duration.ofSeconds(2)).build(), HttpResponse.BodyHandlers.ofString());
    } catch (IOException e) {
      return null;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return null;
    }
  }

  /** Waits for the process to exit; its exit code, or empty if it still runs after the wait. */
  public java.util.OptionalInt awaitExit(Duration timeout) throws InterruptedException {
    return process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)
        ? java.util.OptionalInt.of(process.exitValue()) : java.util.OptionalInt.empty();
  }

  /** The model version the classifier says it serves, or null when not ready. */
  public String servedVersion() {
    String body = readyBody();
    if (body == null) {
      return null;
    }
    Matcher m = MODEL.matcher(body);
    return m.find() ? m.group(1) : null;
  }

  /** The text of {@code /metrics}. */
  public String metrics() throws Exception {
    return HTTP.send(HttpRequest.newBuilder(
            URI.create("http://localhost:" + metricsPort + "/metrics")).build(),
        HttpResponse.BodyHandlers.ofString()).body();
  }

  /** Resident set size of the child JVM in KiB, from /proc/PID/status VmRSS. */
  public long rssKib() throws IOException {
    for (String line : Files.readAllLines(Path.of("/proc", Long.toString(process.pid()),
        "status"))) {
      if (line.startsWith("VmRSS:")) {
        return Long.parseLong(line.replaceAll("[^0-9]", ""));
      }
    }
    throw new IllegalStateException("no VmRSS for pid " + process.pid());
  }

  /** SIGKILL: no shutdown hook, no close, no commit. */
  public void kill() throws InterruptedException {
    process.destroyForcibly();
    process.waitFor(30, TimeUnit.SECONDS);
  }

  /**
   * SIGTERM, then waits for the exit.
   *
   * @return the exit code, or -1 if it did not exit within {@code timeout}
   */
  public int terminate(Duration timeout) throws InterruptedException {
    process.destroy();
    if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
      return -1;
    }
    return process.exitValue();
  }

  public long pid() {
    return process.pid();
  }

  @Override
  public void close() throws InterruptedException {
    if (process.isAlive()) {
      kill();
    }
  }

  private static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0)) {
      return s.getLocalPort();
    }
  }
}
