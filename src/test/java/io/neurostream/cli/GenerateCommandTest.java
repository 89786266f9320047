package io.neurostream.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

class GenerateCommandTest {

  @TempDir Path tmp;

  private final StringWriter out = new StringWriter();
  private final StringWriter err = new StringWriter();

  private int run(String... args) {
    CommandLine cli = NeuroStream.commandLine();
    cli.setOut(new PrintWriter(out));
    cli.setErr(new PrintWriter(err));
    return cli.execute(args);
  }

  @Test
  void shouldGenerateADatasetAndAContactSheet() throws IOException {
    Path dir = tmp.resolve("phantoms");
    Path sheet = tmp.resolve("sheet.png");

    int code = run("generate", "--out", dir.toString(), "--subjects", "5", "--slices-per-subject", "2",
        "--seed", "3", "--size", "48", "--threads", "2", "--contact-sheet", sheet.toString());

    assertThat(code).as(err.toString()).isZero();
    assertThat(Files.readAllLines(dir.resolve("manifest.csv"))).hasSize(11);
    assertThat(out.toString()).contains("wrote 10 images of 5 subjects").contains("Moderate_Demented");
    assertThat(sheet).isRegularFile();
    assertThat(err.toString()).contains("10/10 images");
  }

  @Test
  void shouldFailWithTheFixWhenTheOutputIsNotEmpty() throws IOException {
    Files.writeString(tmp.resolve("something.txt"), "x");

    int code = run("generate", "--out", tmp.toString(), "--subjects", "2", "--slices-per-subject", "1");

    assertThat(code).isEqualTo(1);
    assertThat(err.toString()).contains("not empty").contains("--overwrite");
  }

  @Test
  void shouldRejectBadProportions() {
    int code = run("generate", "--out", tmp.resolve("x").toString(), "--proportions", "1,2");

    assertThat(code).isEqualTo(1);
    assertThat(err.toString()).contains("4 weights");
  }
}
