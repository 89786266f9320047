package io.neurostream.model;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A CPU console shows no engine chatter: neither MXNet's "start using engine" line (native, fd 2)
 * nor DJL's CUDA probe warnings. Each case runs in a child JVM, because the engine starts once per
 * process.
 */
class QuietEngineTest {

  private static final String ENGINE_LINE = "MXNet start using engine";

  @Test
  @Timeout(300)
  void servicesShouldStartTheEngineWithoutItsChatterOnTheConsole() throws Exception {
    String console = probe("quiet");
    assertThat(console).contains("computed")
        .doesNotContain(ENGINE_LINE)
        .doesNotContain("CudaUtils")
        .doesNotContain("Failed to detect GPU count");
  }

  @Test
  @Timeout(300)
  void theEngineLineShouldShowWhenTheEngineStartsBareSoTheCaseAboveMeansSomething() throws Exception {
    String console = probe("bare");
    assertThat(console).contains("computed");
    if (console.contains("engine MXNet computed")) {
      assertThat(console).contains(ENGINE_LINE);
    }
  }

  private static String probe(String mode) throws Exception {
    List<String> command = new ArrayList<>(List.of(
        Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Dai.djl.offline=true"));
    for (String property : List.of("DJL_CACHE_DIR", "ai.djl.default_engine", "ENGINE_CACHE_DIR")) {
      if (System.getProperty(property) != null) {
        command.add("-D" + property + "=" + System.getProperty(property));
      }
    }
    command.addAll(List.of("-cp", System.getProperty("java.class.path"), QuietEngineProbe.class.getName(), mode));
    ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
    builder.environment().remove("NEUROSTREAM_DEBUG");
    Process process = builder.start();
    String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(process.waitFor(4, TimeUnit.MINUTES)).as("probe finished: %s", output).isTrue();
    assertThat(process.exitValue()).as("probe exit code; output: %s", output).isZero();
    return output;
  }
}
