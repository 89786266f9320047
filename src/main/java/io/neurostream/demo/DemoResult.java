package io.neurostream.demo;

import io.neurostream.avro.ReleaseStatus;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

/**
 * What a demo run leaves behind.
 *
 * @param workDir the work dir (phantoms, models, report, log)
 * @param report the HTML report
 * @param log the services' log
 * @param summary per-version figures, decisions and the accounting
 * @param initialVersion the version the run started from
 * @param elapsed wall time of the run
 * @param phases wall time per phase
 * @param series the series verdicts scored against the truth
 */
public record DemoResult(
    Path workDir,
    Path report,
    Path log,
    DemoSummary summary,
    String initialVersion,
    Duration elapsed,
    Map<String, Duration> phases,
    SeriesSummary series) {

  public DemoResult {
    phases = Map.copyOf(phases);
    series = series == null ? SeriesSummary.empty() : series;
  }

  /** A result without series verdicts. */
  public DemoResult(Path workDir, Path report, Path log, DemoSummary summary, String initialVersion,
      Duration elapsed, Map<String, Duration> phases) {
    this(workDir, report, log, summary, initialVersion, elapsed, phases, SeriesSummary.empty());
  }

  /** Prints the end of the demo: the table, the trainer's decisions, the accounting, the report. */
  public void print(PrintWriter out) {
    out.println();
    out.println("Summary per model version (scored against the phantoms' true stages):");
    out.print(summary.table());
    out.println();
    if (series.overall() != null) {
      out.println("Summary per series (one verdict per subject's series, its highest revision, "
          + "scored against the true stage):");
      out.print(series.table());
      out.println();
    }
    if (summary.decisions().isEmpty()) {
      out.println("No fine-tuned model was decided on during the run (see " + log + ").");
    }
    for (String line : summary.decisionLines()) {
      out.println("fine-tune: " + line);
    }
    boolean promoted = summary.decisions().stream().anyMatch(d -> d.status() == ReleaseStatus.PROMOTED);
    if (!promoted && !summary.decisions().isEmpty()) {
      out.println("The candidate was REJECTED by the promotion gate, so " + initialVersion
          + " kept serving: " + summary.decisions().get(0).reason());
    }
    out.println(summary.accounting().describe());
    out.println("report: " + report);
    out.println("demo finished in " + DemoReport.fmt(elapsed));
    out.flush();
  }
}
