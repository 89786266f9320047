package io.neurostream.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.neurostream.imaging.GrayImage;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import picocli.CommandLine;

/**
 * Issue 13 E: every command that needs Kafka fails within its bounded wait with one line naming
 * {@code --bootstrap} when nothing answers at the address, instead of retrying for minutes; an
 * ingest of an empty folder fails with a message instead of "0 scans published".
 */
@Timeout(value = 5, unit = TimeUnit.MINUTES)
class UnreachableKafkaIT {

  @TempDir static Path dir;
  static String deadBootstrap;
  static Path png;
  static Path labelled;

  @BeforeAll
  static void prepare() throws Exception {
    try (ServerSocket reserved = new ServerSocket(0)) {
      deadBootstrap = "127.0.0.1:" + reserved.getLocalPort(); // closed again: nothing listens
    }
    float[] px = new float[32 * 32];
    Arrays.fill(px, 0.5f);
    png = Files.write(dir.resolve("slice.png"), new GrayImage(32, 32, px).toPng());
    labelled = dir.resolve("labelled");
    Files.createDirectories(labelled.resolve("Non_Demented"));
    Files.copy(png, labelled.resolve("Non_Demented").resolve("slice.png"));
    // a real bundle, so that publish gets past its local checks to the Kafka wait
    io.neurostream.model.ModelSpec spec = io.neurostream.model.ModelSpec.builder().optDepth(18)
        .optInputSize(40).optHiddenUnits(8).build();
    try (io.neurostream.model.ScanClassifierModel m = io.neurostream.model.ScanClassifierModel.create(
        spec, io.neurostream.model.Normalization.DEFAULT, ai.djl.Device.cpu())) {
      bundle = io.neurostream.model.ModelBundle.write(m, io.neurostream.model.BundleMetadata.of(m,
          "unreachable-v1", null, java.util.Map.of(), java.util.Map.of()), dir.resolve("any.bundle")).path();
    }
  }

  static Path bundle;

  static Stream<Arguments> commands() {
    return Stream.of(
        Arguments.of(List.of("ingest", png.toString())),
        Arguments.of(List.of("label", labelled.toString())),
        Arguments.of(List.of("tail")),
        Arguments.of(List.of("topics")),
        Arguments.of(List.of("models", "list")),
        Arguments.of(List.of("models", "publish", "--force", bundle.toString())),
        Arguments.of(List.of("models", "rollback", "v1")),
        Arguments.of(List.of("models", "export", "v1", dir.toString())),
        Arguments.of(List.of("classifier", "--state-dir", dir.resolve("c").toString(),
            "--metrics-port", "0")),
        Arguments.of(List.of("trainer", "--state-dir", dir.resolve("t").toString(),
            "--metrics-port", "0")));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("commands")
  void shouldFailWithinTheWaitWithOneLineNamingTheBootstrapFlag(List<String> command) {
    List<String> args = new ArrayList<>(command);
    args.addAll(List.of("--bootstrap", deadBootstrap, "--set", "bootstrap.wait.ms=2000"));

    long t0 = System.nanoTime();
    Run run = run(args.toArray(String[]::new));
    Duration took = Duration.ofNanos(System.nanoTime() - t0);

    assertThat(run.exitCode).as(run.err).isNotZero();
    List<String> lines = run.err.lines().toList();
    assertThat(lines).as(run.err).hasSize(1);
    assertThat(lines.get(0)).startsWith("neurostream " + command.get(command.get(0).equals("models") ? 1 : 0) + ": ")
        .contains("Kafka is not reachable at " + deadBootstrap)
        .contains("within 2 s").contains("--bootstrap").contains("bootstrap.wait.ms");
    // a bound against hanging, not a benchmark: the old behaviour was minutes of retries
    assertThat(took).as("time to fail").isLessThan(Duration.ofSeconds(60));
  }

  @Test
  void shouldFailAfterTheDefaultWaitAndPrintNothingElse() throws Exception {
    // a real process, so every line it prints (Kafka's own log included) is counted
    List<String> cmd = List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-cp", System.getProperty("java.class.path"), "io.neurostream.cli.NeuroStream",
        "ingest", png.toString(), "--bootstrap", deadBootstrap);
    ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
    pb.environment().keySet().removeIf(k -> k.startsWith("NEUROSTREAM_") || k.startsWith("KAFKA_"));
    pb.environment().put("NEUROSTREAM_PATIENT_KEY_SALT", "test-salt");
    long t0 = System.nanoTime();
    Process p = pb.start();
    assertThat(p.waitFor(90, TimeUnit.SECONDS)).as("exited").isTrue();
    Duration took = Duration.ofNanos(System.nanoTime() - t0);
    String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);

    System.err.printf("ingest against %s failed after %d ms: %s", deadBootstrap, took.toMillis(),
        output);
    assertThat(p.exitValue()).isEqualTo(1);
    assertThat(output.lines().toList()).as(output).hasSize(1);
    // the default wait is 15 s; the rest is JVM start-up (the figure is printed above)
    assertThat(output).contains("within 15 s").contains("--bootstrap");
  }

  @Test
  void shouldRefuseToIngestAnEmptyFolderWithAMessage() throws Exception {
    Path empty = Files.createDirectories(dir.resolve("empty"));
    Run run = run("ingest", empty.toString(), "--bootstrap", deadBootstrap);

    assertThat(run.exitCode).isEqualTo(1);
    assertThat(run.err.strip()).isEqualTo("neurostream ingest: no PNG, JPEG or DICOM files under ["
        + empty + "]; give image files, or folders that hold them");
    assertThat(run.out).doesNotContain("published");
  }

  private record Run(int exitCode, String out, String err) {}

  private static Run run(String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    CommandLine cli = NeuroStream.commandLine();
    cli.setOut(new PrintWriter(out, true));
    cli.setErr(new PrintWriter(err, true));
    int code = cli.execute(args);
    return new Run(code, out.toString(), err.toString());
  }
}
