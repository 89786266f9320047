package io.neurostream.demo;

import static org.assertj.core.api.Assertions.assertThat;

import io.neurostream.avro.ReleaseStatus;
import java.awt.image.BufferedImage;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The demo end to end with small options, everything real: embedded broker and registry, the
 * classifier and the trainer services, a trained initial model, a fine-tune round and its hot-swap.
 */
@Timeout(value = 15, unit = TimeUnit.MINUTES)
class DemoIT {

  @TempDir Path dir;

  @Test
  void shouldPromoteAFineTunedModelServeItAndAccountForEveryScan() throws Exception {
    // given the default cohort and initial model (the demo's tuned path), streamed faster: 1,224
    // scans at 50/s, a round after 400 labels, the last 30% held until the trainer decided
    DemoOptions options = DemoOptions.builder()
        .optWorkDir(dir.resolve("work"))
        .optRate(50)
        .optHoldBack(0.3)
        .optLabelDelay(Duration.ofMillis(500))
        .build();

    // when
    DemoResult result = DemoRun.run(options);

    // then a fine-tuned model was promoted and served part of the stream
    DemoSummary summary = result.summary();
    assertThat(summary.decisions()).first().extracting(ReleaseEvent::status).isEqualTo(ReleaseStatus.PROMOTED);
    assertThat(summary.promotionServed()).isTrue();
    assertThat(summary.rows()).extracting(DemoSummary.VersionRow::role).containsExactly("initial", "fine-tune 1");
    assertThat(summary.rows()).allSatisfy(r -> assertThat(r.scans()).isPositive());
    // and every scan is accounted for, exactly once
    assertThat(summary.accounting().complete()).as(summary.accounting().describe()).isTrue();
    assertThat(summary.accounting().sent()).isEqualTo(options.streamScans());
    assertThat(summary.rows().stream().mapToInt(DemoSummary.VersionRow::scans).sum())
        .isEqualTo(summary.accounting().predictions());
    // and the report exists with its charts
    assertThat(result.report()).exists();
    String html = Files.readString(result.report());
    Path reportDir = result.report().getParent();
    for (String png : new String[] {DemoReport.ACCURACY_PNG, DemoReport.LATENCY_PNG}) {
      assertThat(html).contains("src=\"" + png + "\"");
      assertPng(reportDir.resolve(png));
    }
    for (DemoSummary.VersionRow row : summary.rows()) {
      Path confusion = reportDir.resolve("confusion-" + row.version() + ".png");
      assertThat(html).contains(confusion.getFileName().toString());
      assertPng(confusion);
    }
    // and every streamed subject's series has one verdict, scored against its stage
    SeriesSummary series = result.series();
    assertThat(series.overall()).isNotNull();
    assertThat(series.overall().series())
        .isEqualTo(options.streamScans() / options.slicesPerSubject());
    assertThat(series.verdicts()).allSatisfy(v ->
        assertThat(v.verdict().getSlices()).isEqualTo(v.verdict().getSlicesExpected()));
    assertThat(html).contains("Per series");
    // and the printed summary says so, the series table beside the per-slice one
    StringWriter out = new StringWriter();
    result.print(new PrintWriter(out));
    assertThat(out.toString()).contains("every scan accounted for", "fine-tune 1", "PROMOTED", "report.html",
        "Summary per series");
  }

  private static void assertPng(Path file) throws Exception {
    BufferedImage img = ImageIO.read(file.toFile());
    assertThat(img).as(file.toString()).isNotNull();
    assertThat(img.getWidth()).isGreaterThan(400);
  }
}
