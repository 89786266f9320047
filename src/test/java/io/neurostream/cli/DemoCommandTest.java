package io.neurostream.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.neurostream.avro.ImageEncoding;
import io.neurostream.demo.DemoOptions;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

class DemoCommandTest {

  private static DemoOptions parse(String... args) {
    DemoCommand command = new DemoCommand();
    new CommandLine(command).setCaseInsensitiveEnumValuesAllowed(true).parseArgs(args);
    return command.options();
  }

  @Test
  void shouldUseTheTunedDefaultsWithoutOptions() {
    DemoOptions o = parse();
    assertThat(o.subjects()).isEqualTo(240);
    assertThat(o.streamScans()).isEqualTo((240 - 36) * 6);
    assertThat(o.encoding()).isEqualTo(ImageEncoding.DICOM);
    assertThat(o.model()).isNull();
  }

  @Test
  void shouldScaleTheStreamToADuration() {
    // 10 minutes at 50 scans/s = 30,000 scans = 5,000 subjects of 6 slices, plus the initial ones
    DemoOptions o = parse("--duration", "10m", "--rate", "50", "--image-size", "128", "--depth", "50",
        "--set", "trainer.mode=full", "--encoding", "png");
    assertThat(o.streamScans()).isEqualTo(30_000);
    assertThat(o.subjects()).isEqualTo(36 + 5_000);
    assertThat(o.imageSize()).isEqualTo(128);
    assertThat(o.settings()).containsEntry("trainer.mode", "full");
    assertThat(o.encoding()).isEqualTo(ImageEncoding.PNG);
  }

  @Test
  void shouldRefuseSubjectsAndDurationTogether() {
    assertThatThrownBy(() -> parse("--subjects", "100", "--duration", "5m"))
        .hasMessageContaining("--subjects or --duration");
  }

  @Test
  void shouldNameTheOptionOfABadValue() {
    assertThatThrownBy(() -> parse("--label-delay", "soon")).hasMessageContaining("--label-delay soon")
        .hasMessageContaining("90s");
    assertThatThrownBy(() -> parse("--depth", "20")).hasMessageContaining("--depth 20");
    assertThatThrownBy(() -> parse("--label-fraction", "0")).hasMessageContaining("--label-fraction");
  }

  @Test
  void shouldReadDurationsInShortAndIsoForm() {
    assertThat(DemoCommand.duration("x", "500ms")).isEqualTo(Duration.ofMillis(500));
    assertThat(DemoCommand.duration("x", "90s")).isEqualTo(Duration.ofSeconds(90));
    assertThat(DemoCommand.duration("x", "2h")).isEqualTo(Duration.ofHours(2));
    assertThat(DemoCommand.duration("x", "PT1M")).isEqualTo(Duration.ofMinutes(1));
  }
}
