package io.neurostream.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import javax.tools.ToolProvider;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Runs the image build's warm-up step ({@code docker/NativesWarmup.java}) outside Docker, on the
 * same class path and engine as the tests, to show what the Dockerfile relies on: the first run
 * unpacks the engine natives into {@code ENGINE_CACHE_DIR}; a later start with an empty
 * {@code DJL_CACHE_DIR} (an emptyDir in k8s) loads them from there offline and writes nothing.
 */
class NativesWarmupTest {

  @TempDir Path dir;

  @Test
  void shouldUnpackNativesAtBuildTimeSoAStartWritesNothing() throws Exception {
    // given: the warm-up compiled the way the build stage compiles it
    Path classes = compileWarmup(dir.resolve("warmup"));
    Path engines = dir.resolve("engines");

    // when: the image build runs it
    Run build = run(classes, engines, dir.resolve("build-cache"));

    // then: the engine loaded and its shared libraries sit in ENGINE_CACHE_DIR
    assertThat(build.exitCode()).as(build.output()).isZero();
    assertThat(build.output()).contains("natives ready in " + engines);
    Map<String, FileTime> unpacked = snapshot(engines);
    assertThat(unpacked.keySet()).anyMatch(f -> f.contains(".so"));

    // when: a container starts on the built image with a fresh DJL cache
    Path runtimeCache = dir.resolve("runtime-cache");
    Run start = run(classes, engines, runtimeCache);

    // then: it loaded offline without touching the natives or writing a cache
    assertThat(start.exitCode()).as(start.output()).isZero();
    assertThat(snapshot(engines)).isEqualTo(unpacked);
    assertThat(runtimeCache).doesNotExist();
  }

  private static Path compileWarmup(Path out) throws IOException {
    Files.createDirectories(out);
    int status =
        ToolProvider.getSystemJavaCompiler()
            .run(null, null, null,
                "-d", out.toString(),
                "-cp", System.getProperty("java.class.path"),
                Path.of("docker", "NativesWarmup.java").toString());
    assertThat(status).as("javac docker/NativesWarmup.java").isZero();
    return out;
  }

  private Run run(Path classes, Path engines, Path djlCache) throws Exception {
    String javaBin = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    List<String> command = new ArrayList<>(List.of(
        javaBin,
        "-Dai.djl.offline=true",
        "-DENGINE_CACHE_DIR=" + engines,
        "-DDJL_CACHE_DIR=" + djlCache,
        "-Djna.tmpdir=" + Files.createDirectories(dir.resolve("jna")),
        "-Djava.io.tmpdir=" + dir));
    String engine = System.getProperty("neurostream.test.engine");
    if (engine != null) {
      command.add("-Dai.djl.default_engine=" + engine);
    }
    command.addAll(List.of(
        "-cp", System.getProperty("java.class.path") + File.pathSeparator + classes,
        "NativesWarmup"));
    Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
    String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (!process.waitFor(5, TimeUnit.MINUTES)) {
      process.destroyForcibly();
      throw new AssertionError("warm-up did not finish: " + output);
    }
    return new Run(process.exitValue(), output);
  }

  /** Every file under {@code root} with its modification time. */
  private static Map<String, FileTime> snapshot(Path root) throws IOException {
    Map<String, FileTime> files = new TreeMap<>();
    try (Stream<Path> walk = Files.walk(root)) {
      for (Path p : walk.filter(Files::isRegularFile).toList()) {
        files.put(root.relativize(p).toString(), Files.getLastModifiedTime(p));
      }
    }
    return files;
  }

  private record Run(int exitCode, String output) {}
}
