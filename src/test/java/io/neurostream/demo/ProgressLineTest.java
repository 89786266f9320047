package io.neurostream.demo;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ProgressLineTest {

  @Test
  void shouldShowRateSinceTheLastLineAndBothAccuraciesAfterASwap() {
    ProgressLine line = new ProgressLine(0);
    ScanLedger.Progress p = new ScanLedger.Progress(400, 250, 390, 2, 200, "v2", 90, 60, List.of("v1", "v2"), 85, 0);

    String text = line.format(p, 4_000_000_000L, 1000, Map.of("v2", "fine-tune 1"), "trainer: round 1 running");

    assertThat(text).contains("sent 400/1,000", "classified 390 (98.0 scans/s)", "dead letters 2", "p50 85 ms",
        "model v2 (fine-tune 1)", "accuracy 0.513, this model 0.667", "labels 250", "| trainer: round 1 running");
    // the next line's rate counts only what was answered since
    ScanLedger.Progress later = new ScanLedger.Progress(420, 260, 410, 2, 210, "v2", 110, 70, List.of("v1", "v2"),
        80, 0);
    assertThat(line.format(later, 6_000_000_000L, 1000, Map.of(), "")).contains("(10.0 scans/s)")
        .doesNotEndWith("| ");
  }

  @Test
  void shouldShoutAnomalies() {
    ScanLedger.Progress p = new ScanLedger.Progress(10, 0, 9, 0, 5, "v1", 9, 5, List.of("v1"), 50, 1);
    assertThat(new ProgressLine(0).format(p, 1_000_000_000L, 10, Map.of(), "")).contains("ANOMALIES 1");
  }
}
