package io.neurostream.model;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * {@link DjlDefaults} in a JVM of its own, started without or with the operator's variables: the
 * build runs tests with both variables already set (pom.xml), so this JVM cannot show the defaults
 * being applied.
 */
@Timeout(value = 2, unit = TimeUnit.MINUTES)
class DjlDefaultsTest {

  /** Prints what the native side sees after {@link DjlDefaults#apply()}. */
  public static final class Probe {
    public static void main(String[] args) {
      DjlDefaults.apply();
      System.out.println(DjlDefaults.processEnv(DjlDefaults.ENGINE_TYPE) + " "
          + DjlDefaults.processEnv(DjlDefaults.WAIT_POLICY) + " "
          + System.getProperty("ai.djl.offline"));
    }
  }

  @Test
  void shouldSetTheSafeEngineTypeAndPassiveWaitPolicyWhenTheOperatorSetNeither() throws Exception {
    assertThat(probe(Map.of())).isEqualTo("NaiveEngine PASSIVE true");
  }

  @Test
  void shouldKeepTheOperatorsValues() throws Exception {
    assertThat(probe(Map.of("MXNET_ENGINE_TYPE", "ThreadedEnginePerDevice", "OMP_WAIT_POLICY", "ACTIVE")))
        .isEqualTo("ThreadedEnginePerDevice ACTIVE true");
  }

  private static String probe(Map<String, String> env) throws Exception {
    ProcessBuilder pb = new ProcessBuilder(List.of(
        Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-cp", System.getProperty("java.class.path"), Probe.class.getName()));
    pb.environment().remove(DjlDefaults.ENGINE_TYPE);
    pb.environment().remove(DjlDefaults.WAIT_POLICY);
    pb.environment().putAll(env);
    pb.redirectErrorStream(false);
    Process p = pb.start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
    assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
    assertThat(p.exitValue()).as("probe exit; stderr: %s",
        new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8)).isZero();
    return out;
  }
}
