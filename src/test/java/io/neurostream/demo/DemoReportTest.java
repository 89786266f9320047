package io.neurostream.demo;

import static org.assertj.core.api.Assertions.assertThat;

import io.neurostream.avro.DementiaStage;
import io.neurostream.avro.ReleaseStatus;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DemoReportTest {

  @TempDir Path dir;

  @Test
  void shouldWriteTheHtmlWithTheTableAccountingDecisionsAndEveryChart() throws Exception {
    // given 600 scans: the first 300 by a weak v1, the rest by a better v2 after a promotion
    ScanLedger ledger = new ScanLedger();
    Random random = new Random(1);
    long t0 = 1_000_000;
    for (int i = 0; i < 600; i++) {
      DementiaStage truth = DementiaStage.values()[(i / 6) % 4];
      String id = "scan-" + i;
      ledger.sending(new StreamScan(id, "st", "se", "sub-" + i / 6, i % 6, 6, truth, Path.of(id)), t0 + i * 50L, false);
      boolean late = i >= 300;
      boolean right = random.nextDouble() < (late ? 0.7 : 0.35);
      DementiaStage predicted = right ? truth : DementiaStage.values()[(truth.ordinal() + 1) % 4];
      float[] p = {0.1f, 0.1f, 0.1f, 0.1f};
      p[predicted.ordinal()] = 0.7f;
      long sent = t0 + i * 50L + (late ? 15_000 : 0);
      ledger.outcome(new ScanOutcome.Predicted(id, late ? "v2" : "v1", predicted, p, sent,
          sent + 80 + random.nextInt(late ? 100 : 400), 4));
    }
    List<ReleaseEvent> releases = List.of(
        new ReleaseEvent("v1", null, ReleaseStatus.PROMOTED, "initial", Map.of(), Map.of(), t0),
        new ReleaseEvent("v2", "v1", ReleaseStatus.PROMOTED, "better", Map.of("balanced_accuracy", 0.7),
            Map.of("balanced_accuracy", 0.4), t0 + 26_000));
    DemoSummary summary = DemoSummary.of(ledger.snapshot(), "v1", releases);
    Map<String, Duration> phases = new LinkedHashMap<>();
    phases.put("stream", Duration.ofSeconds(45));
    DemoReport.Context context = new DemoReport.Context("a test run", t0, releases, phases, Duration.ofSeconds(60),
        List.of(new DemoReport.Note(t0 + 12_000, "round 1 requested (200 labels)")),
        List.of(new DemoReport.Hold(t0 + 15_000, t0 + 30_000)));

    // when
    Path html = DemoReport.write(dir, summary, ledger.snapshot(), context);

    // then
    String text = Files.readString(html);
    assertThat(text).contains("<td class=\"l v\">v1</td><td class=\"l\">initial</td>",
        "<td class=\"l v\">v2</td><td class=\"l\">fine-tune 1</td>", "every scan accounted for: 600 scans sent",
        "td.v{white-space:nowrap}", "Shaded: the PACS held the rest of the stream",
        "v2 PROMOTED (from v1)", "not a medical device");
    for (String png : List.of(DemoReport.ACCURACY_PNG, DemoReport.LATENCY_PNG, "confusion-v1.png", "confusion-v2.png")) {
      assertThat(text).contains("src=\"" + png + "\"");
      assertThat(ImageIO.read(dir.resolve(png).toFile())).as(png).isNotNull();
    }
  }

  @Test
  void shouldExplainTheShadingOnlyWhenTheStreamWasHeld() {
    DemoSummary summary = DemoSummary.of(new ScanLedger().snapshot(), "v1", List.of());
    String held = DemoReport.html(summary, new DemoReport.Context("run", 0, List.of(), Map.of(), Duration.ZERO,
        List.of(), List.of(new DemoReport.Hold(1000, 2000))), List.of());
    String notHeld = DemoReport.html(summary, new DemoReport.Context("run", 0, List.of(), Map.of(), Duration.ZERO,
        List.of(), List.of()), List.of());
    assertThat(held).contains("Shaded: the PACS held");
    assertThat(notHeld).doesNotContainIgnoringCase("shaded").contains("A subject's slices arrive together");
  }

  @Test
  void versionIdsShouldNotWrapInTheTables() {
    DemoSummary summary = DemoSummary.of(new ScanLedger().snapshot(), "20261202-090000", List.of());
    String html = DemoReport.html(summary, new DemoReport.Context("run", 0, List.of(new ReleaseEvent(
        "20261202-091500", "20261202-090000", ReleaseStatus.PROMOTED, "better", Map.of(), Map.of(), 0)),
        Map.of(), Duration.ZERO, List.of(), List.of()), List.of());
    assertThat(html).contains("td.v{white-space:nowrap}",
        "<td class=\"l v\">20261202-091500</td><td class=\"l v\">20261202-090000</td>");
  }

  @Test
  void axisTicksShouldBeRoundNumbers() {
    assertThat(DemoCharts.tickLabels(DemoCharts.niceTicks(0.43))).containsExactly("0.0", "0.1", "0.2", "0.3", "0.4", "0.5");
    assertThat(DemoCharts.tickLabels(DemoCharts.niceTicks(0.087)))
        .containsExactly("0.00", "0.02", "0.04", "0.06", "0.08", "0.10");
    assertThat(DemoCharts.tickLabels(DemoCharts.niceTicks(1.0))).containsExactly("0.0", "0.2", "0.4", "0.6", "0.8", "1.0");
    assertThat(DemoCharts.tickLabels(DemoCharts.niceTicks(230))).containsExactly("0", "50", "100", "150", "200", "250");
  }

  @Test
  void shouldEscapeWhatItQuotes() {
    DemoSummary summary = DemoSummary.of(new ScanLedger().snapshot(), "v1", List.of(
        new ReleaseEvent("v2", "v1", ReleaseStatus.REJECTED, "worse <script>", Map.of(), Map.of(), 0)));
    String html = DemoReport.html(summary, new DemoReport.Context("<b>", 0, List.of(), Map.of(), Duration.ZERO,
        List.of(), List.of()), List.of());
    assertThat(html).doesNotContain("<script>", "<b>").contains("worse &lt;script&gt;", "&lt;b&gt;");
  }
}
