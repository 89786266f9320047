package io.neurostream.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

class ConfigCommandTest {

  @Test
  void shouldListEveryKeyWithItsVariableAndDefault() {
    String out = run("config");
    assertThat(out).contains("[common]", "[stack]")
        .containsPattern("bootstrap\\.servers +KAFKA_BOOTSTRAP_SERVERS +localhost:9092")
        .containsPattern("stack\\.kafka\\.port +NEUROSTREAM_STACK_KAFKA_PORT +9092");
  }

  @Test
  void shouldPrintVariableNamesOnePerLineForDeploymentChecks() {
    assertThat(run("config", "--env-names").lines()).contains("KAFKA_BOOTSTRAP_SERVERS", "NEUROSTREAM_SCHEMA_REGISTRY_URL");
  }

  @Test
  void shouldPrintTheMarkdownReference() {
    assertThat(run("config", "--markdown")).contains("| `schema.registry.url` | `NEUROSTREAM_SCHEMA_REGISTRY_URL` |");
  }

  private static String run(String... args) {
    StringWriter out = new StringWriter();
    CommandLine cli = NeuroStream.commandLine();
    cli.setOut(new PrintWriter(out, true));
    assertThat(cli.execute(args)).isZero();
    return out.toString();
  }
}
