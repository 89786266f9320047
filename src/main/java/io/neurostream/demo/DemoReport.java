package io.neurostream.demo;

import io.neurostream.avro.ReleaseStatus;
import io.neurostream.training.EvaluationMetrics;
import io.neurostream.training.TrainingCharts;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Writes the demo's report: {@code report.html} with the summary table, the accounting, the
 * trainer's decisions and PNG charts beside it (accuracy over the run with the swaps marked, the
 * latency distribution per version, and a confusion matrix per version drawn by {@link
 * TrainingCharts}).
 */
final class DemoReport {

  static final String HTML = "report.html";
  static final String ACCURACY_PNG = "accuracy-over-time.png";
  static final String LATENCY_PNG = "latency.png";

  private DemoReport() {}

  /**
   * What the report shows besides the summary.
   *
   * @param description what the run did (options)
   * @param streamStart when the first scan was sent (epoch ms); the charts' time zero
   * @param releases every release record, in order
   * @param phases wall time of each phase of the run
   * @param elapsed wall time of the whole run
   * @param notes the demo's own actions to mark on the accuracy chart
   * @param holds when the stream was held
   */
  record Context(String description, long streamStart, List<ReleaseEvent> releases,
      Map<String, Duration> phases, Duration elapsed, List<Note> notes, List<Hold> holds) {}

  /** Something the demo did at a moment, e.g. asking for a round (epoch ms). */
  record Note(long at, String text) {}

  /** A stretch during which the PACS held the stream (epoch ms). */
  record Hold(long from, long to) {}

  /** Writes the report into {@code dir}; returns the HTML file. */
  static Path write(Path dir, DemoSummary summary, ScanLedger.Snapshot ledger, Context context) {
    return write(dir, summary, ledger, context, SeriesSummary.empty(), Map.of());
  }

  /**
   * Writes the report with its series section into {@code dir}; returns the HTML file.
   *
   * @param overlays Grad-CAM overlay PNGs already in {@code dir}, by SOP Instance UID
   */
  static Path write(Path dir, DemoSummary summary, ScanLedger.Snapshot ledger, Context context,
      SeriesSummary seriesSummary, Map<String, String> overlays) {
    try {
      Files.createDirectories(dir);
      List<DemoCharts.Series> series = new ArrayList<>();
      Map<String, Integer> index = new LinkedHashMap<>();
      for (DemoSummary.VersionRow row : summary.rows()) {
        index.put(row.version(), series.size());
        series.add(new DemoCharts.Series(row.version(), row.role(), DemoCharts.color(series.size())));
      }
      accuracyChart(dir.resolve(ACCURACY_PNG), summary, ledger, context, series, index);
      latencyChart(dir.resolve(LATENCY_PNG), ledger, series, index);
      List<String> confusion = new ArrayList<>();
      for (DemoSummary.VersionRow row : summary.rows()) {
        String name = "confusion-" + row.version().replaceAll("[^A-Za-z0-9._-]", "_") + ".png";
        TrainingCharts.writeConfusionMatrix(row.metrics(), "Model " + row.version() + " (" + row.role()
            + ") on the " + row.scans() + " scans it classified", dir.resolve(name));
        confusion.add(name);
      }
      Path html = dir.resolve(HTML);
      Files.writeString(html, html(summary, context, confusion,
          seriesSummary.overall() == null ? "" : SeriesReport.html(seriesSummary, overlays)),
          StandardCharsets.UTF_8);
      return html;
    } catch (IOException e) {
      throw new UncheckedIOException("writing the report to " + dir + " failed: " + e.getMessage()
          + "; check that the work dir is writable", e);
    }
  }

  private static void accuracyChart(Path file, DemoSummary summary, ScanLedger.Snapshot ledger, Context context,
      List<DemoCharts.Series> series, Map<String, Integer> index) throws IOException {
    List<ScanLedger.Scored> ordered = new ArrayList<>(ledger.predictions());
    ordered.sort(Comparator.comparingLong(s -> s.prediction().predictedAt()));
    int window = Math.max(20, Math.min(200, ordered.size() / 15));
    // a window per version: a version's curve shows its own predictions only
    Map<String, boolean[]> rings = new LinkedHashMap<>();
    Map<String, int[]> counts = new LinkedHashMap<>(); // {seen, correct in window}
    List<double[]> points = new ArrayList<>(ordered.size());
    for (ScanLedger.Scored s : ordered) {
      String v = s.prediction().modelVersion();
      boolean[] ring = rings.computeIfAbsent(v, k -> new boolean[window]);
      int[] c = counts.computeIfAbsent(v, k -> new int[2]);
      int slot = c[0] % window;
      if (c[0] >= window && ring[slot]) {
        c[1]--;
      }
      ring[slot] = s.correct();
      c[1] += s.correct() ? 1 : 0;
      c[0]++;
      int n = Math.min(c[0], window);
      if (n >= Math.min(window, 25)) { // fewer is noise
        points.add(new double[] {seconds(s.prediction().predictedAt(), context.streamStart()), (double) c[1] / n,
            index.get(v)});
      }
    }
    List<DemoCharts.Segment> means = new ArrayList<>();
    for (DemoSummary.VersionRow row : summary.rows()) {
      means.add(new DemoCharts.Segment(seconds(row.firstAt(), context.streamStart()),
          seconds(row.lastAt(), context.streamStart()), row.metrics().accuracy(), index.get(row.version())));
    }
    List<DemoCharts.Marker> markers = new ArrayList<>();
    for (Note n : context.notes()) {
      markers.add(new DemoCharts.Marker(seconds(n.at(), context.streamStart()), n.text(), true));
    }
    for (ReleaseEvent r : summary.decisions()) {
      markers.add(new DemoCharts.Marker(seconds(r.createdAt(), context.streamStart()),
          r.status() + " " + r.version(), true));
    }
    for (DemoSummary.VersionRow row : summary.rows()) {
      if (index.get(row.version()) > 0) {
        markers.add(new DemoCharts.Marker(seconds(row.firstAt(), context.streamStart()),
            "swap to " + row.version(), false));
      }
    }
    List<DemoCharts.Band> bands = new ArrayList<>();
    for (Hold h : context.holds()) {
      bands.add(new DemoCharts.Band(seconds(h.from(), context.streamStart()), seconds(h.to(), context.streamStart()),
          "stream held"));
    }
    DemoCharts.writeAccuracy(points, means, bands, series, markers, window, file);
  }

  private static void latencyChart(Path file, ScanLedger.Snapshot ledger, List<DemoCharts.Series> series,
      Map<String, Integer> index) throws IOException {
    Map<String, List<Long>> byVersion = new LinkedHashMap<>();
    for (ScanLedger.Scored s : ledger.predictions()) {
      byVersion.computeIfAbsent(s.prediction().modelVersion(), v -> new ArrayList<>()).add(s.prediction().latencyMs());
    }
    Map<DemoCharts.Series, long[]> latencies = new LinkedHashMap<>();
    for (DemoCharts.Series s : series) {
      long[] values = byVersion.getOrDefault(s.version(), List.of()).stream().mapToLong(Long::longValue).toArray();
      Arrays.sort(values);
      latencies.put(s, values);
    }
    DemoCharts.writeLatency(latencies, file);
  }

  private static double seconds(long at, long start) {
    return Math.max(0, (at - start) / 1000.0);
  }

  static String html(DemoSummary summary, Context context, List<String> confusion) {
    return html(summary, context, confusion, "");
  }

  static String html(DemoSummary summary, Context context, List<String> confusion,
      String seriesSection) {
    StringBuilder h = new StringBuilder();
    h.append("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">")
        .append("<title>NeuroStream demo report</title><style>")
        .append("body{font-family:sans-serif;max-width:1040px;margin:2em auto;color:#222}")
        .append("table{border-collapse:collapse;margin:1em 0}td,th{border:1px solid #ccc;padding:4px 10px;text-align:right}")
        .append("th{background:#f3f3f3}td.l,th.l{text-align:left}td.v{white-space:nowrap}")
        .append(".ok{color:#1a7f37}.bad{color:#c62828;font-weight:bold}")
        .append("img{max-width:100%;border:1px solid #eee;margin:.5em 0}</style></head><body>\n");
    h.append("<h1>NeuroStream demo report</h1>\n");
    h.append("<p>").append(esc(context.description())).append("</p>\n");
    h.append("<p>Wall time ").append(fmt(context.elapsed())).append(": ");
    List<String> phases = new ArrayList<>();
    context.phases().forEach((k, v) -> phases.add(esc(k) + " " + fmt(v)));
    h.append(String.join(", ", phases)).append(".</p>\n");

    h.append("<h2>Per model version</h2>\n<table><tr><th class=\"l\">model version</th><th class=\"l\">role</th>")
        .append("<th>scans</th><th>accuracy</th><th>balanced accuracy</th><th>macro-F1</th>")
        .append("<th>latency p50 (ms)</th><th>latency p99 (ms)</th></tr>\n");
    for (DemoSummary.VersionRow r : summary.rows()) {
      row(h, r);
    }
    if (summary.overall() != null && summary.rows().size() > 1) {
      row(h, summary.overall());
    }
    h.append("</table>\n");
    DemoSummary.Accounting a = summary.accounting();
    h.append("<p class=\"").append(a.complete() ? "ok" : "bad").append("\">").append(esc(a.describe()))
        .append("</p>\n");
    h.append(seriesSection);

    h.append("<h2>Trainer decisions</h2>\n");
    if (summary.decisions().isEmpty()) {
      h.append("<p class=\"bad\">The trainer decided on no fine-tuned model during the run.</p>\n");
    } else {
      h.append("<ul>\n");
      for (int i = 0; i < summary.decisions().size(); i++) {
        ReleaseEvent d = summary.decisions().get(i);
        h.append("<li class=\"").append(d.status() == ReleaseStatus.PROMOTED ? "ok" : "bad").append("\">")
            .append(esc(summary.decisionLines().get(i))).append("</li>\n");
      }
      h.append("</ul>\n");
    }

    h.append("<h2>Accuracy over the run</h2>\n<p>Each point is the accuracy of the last predictions at the ")
        .append("moment a prediction was made, over that version's own predictions, coloured by the version; the ")
        .append("flat lines are each version's mean. Dashed lines: round requests and the trainer's decisions; solid ")
        .append("red lines: the first prediction of a new version (the hot-swap as the stream saw it). ")
        .append(context.holds().isEmpty() ? "" : "Shaded: the PACS held the rest of the stream until the trainer decided. ")
        .append("A subject's slices arrive together, so the curve moves in steps of a few patients.</p>\n<img src=\"")
        .append(ACCURACY_PNG).append("\" alt=\"accuracy over time\">\n");
    h.append("<h2>Latency</h2>\n<p>End-to-end: the scan record's timestamp to the prediction.</p>\n<img src=\"")
        .append(LATENCY_PNG).append("\" alt=\"latency distribution\">\n");
    h.append("<h2>Confusion matrices</h2>\n");
    for (String c : confusion) {
      h.append("<img src=\"").append(c).append("\" alt=\"").append(c).append("\">\n");
    }
    h.append("<h2>Releases</h2>\n<table><tr><th class=\"l\">version</th><th class=\"l\">parent</th>")
        .append("<th class=\"l\">status</th><th>holdout balanced accuracy</th><th class=\"l\">reason</th></tr>\n");
    for (ReleaseEvent r : context.releases()) {
      h.append("<tr><td class=\"l v\">").append(esc(r.version())).append("</td><td class=\"l v\">")
          .append(esc(r.parentVersion() == null ? "" : r.parentVersion())).append("</td><td class=\"l\">")
          .append(r.status()).append("</td><td>")
          .append(r.balancedAccuracy().map(v -> String.format(Locale.ROOT, "%.3f", v)).orElse(""))
          .append("</td><td class=\"l\">").append(esc(r.reason())).append("</td></tr>\n");
    }
    h.append("</table>\n<p><em>Synthetic phantoms; NeuroStream is a research tool, not a medical device.</em></p>\n");
    h.append("</body></html>\n");
    return h.toString();
  }

  private static void row(StringBuilder h, DemoSummary.VersionRow r) {
    EvaluationMetrics m = r.metrics();
    h.append(String.format(Locale.ROOT,
        "<tr><td class=\"l v\">%s</td><td class=\"l\">%s</td><td>%,d</td><td>%.3f</td><td>%.3f</td><td>%.3f</td>"
            + "<td>%d</td><td>%d</td></tr>%n",
        esc(r.version()), esc(r.role()), r.scans(), m.accuracy(), m.balancedAccuracy(), m.macroF1(),
        r.latencyP50Ms(), r.latencyP99Ms()));
  }

  static String fmt(Duration d) {
    long s = Math.round(d.toMillis() / 1000.0);
    return s >= 60 ? String.format(Locale.ROOT, "%d min %02d s", s / 60, s % 60) : s + " s";
  }

  private static String esc(String s) {
    return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
  }
}
