package io.neurostream.demo;

import io.neurostream.avro.SeriesVerdict;
import io.neurostream.avro.VerdictClosure;
import java.util.Locale;
import java.util.Map;

/**
 * The series part of the demo report: the series-level table beside the per-slice one, and one
 * line per series verdict (truth, verdict, confidence, slices, why it closed, revision, models)
 * with the Grad-CAM overlay of its top supporting slice when an explanation was published.
 */
final class SeriesReport {

  private SeriesReport() {}

  /**
   * The HTML fragment.
   *
   * @param overlays PNG file names (relative to the report) by SOP Instance UID
   */
  static String html(SeriesSummary series, Map<String, String> overlays) {
    StringBuilder h = new StringBuilder();
    h.append("<h2>Per series</h2>\n");
    if (series.overall() == null) {
      h.append("<p class=\"bad\">No series verdict was read during the run.</p>\n");
      return h.toString();
    }
    h.append("<p>One verdict per subject's series (its highest revision), the slices' probabilities ")
        .append("folded together, scored against the subject's true stage. This is the unit a ")
        .append("clinician reads; slice-level figures above flatter a model whose slices of one ")
        .append("patient look alike.</p>\n");
    h.append("<table><tr><th class=\"l\">model version</th><th>series</th><th>complete</th>")
        .append("<th>revised</th><th>accuracy</th><th>balanced accuracy</th><th>macro-F1</th></tr>\n");
    for (SeriesSummary.Row r : series.rows()) {
      row(h, r);
    }
    if (series.rows().size() > 1) {
      row(h, series.overall());
    }
    h.append("</table>\n");
    h.append("<details><summary>Every series verdict (").append(series.verdicts().size())
        .append(")</summary>\n<table><tr><th class=\"l\">series</th><th class=\"l\">truth</th>")
        .append("<th class=\"l\">verdict</th><th>p</th><th>slices</th><th class=\"l\">closed by</th>")
        .append("<th>revision</th><th class=\"l\">model</th><th class=\"l\">Grad-CAM (top slice)</th></tr>\n");
    for (SeriesSummary.Scored s : series.verdicts()) {
      SeriesVerdict v = s.verdict();
      boolean right = v.getVerdict() == s.truth();
      String slices = v.getSlices() + "/" + (v.getSlicesExpected() == null ? "?"
          : v.getSlicesExpected().toString());
      String models = String.join(", ", v.getModelVersions())
          + (v.getMixedModelVersions() ? " (mixed)" : "");
      String overlay = v.getSupportingSlices().isEmpty() ? null
          : overlays.get(v.getSupportingSlices().get(0).getSopInstanceUid());
      h.append(String.format(Locale.ROOT,
          "<tr><td class=\"l\">%s</td><td class=\"l\">%s</td><td class=\"l %s\">%s</td>"
              + "<td>%.3f</td><td>%s</td><td class=\"l\">%s</td><td>%d</td><td class=\"l\">%s</td>"
              + "<td class=\"l\">%s</td></tr>%n",
          esc(shortUid(v.getSeriesInstanceUid())), s.truth(), right ? "ok" : "bad", v.getVerdict(),
          v.getConfidence(), slices, v.getClosedBy() == VerdictClosure.COMPLETE ? "complete" : "gap",
          v.getRevision(), esc(models), overlay == null ? ""
              : "<img src=\"" + esc(overlay) + "\" alt=\"Grad-CAM\" style=\"width:96px\">"));
    }
    h.append("</table></details>\n");
    return h.toString();
  }

  private static void row(StringBuilder h, SeriesSummary.Row r) {
    h.append(String.format(Locale.ROOT,
        "<tr><td class=\"l\">%s</td><td>%,d</td><td>%d</td><td>%d</td><td>%.3f</td><td>%.3f</td>"
            + "<td>%.3f</td></tr>%n",
        esc(r.version()), r.series(), r.complete(), r.revised(), r.metrics().accuracy(),
        r.metrics().balancedAccuracy(), r.metrics().macroF1()));
  }

  private static String shortUid(String uid) {
    return uid.length() <= 28 ? uid : uid.substring(0, 12) + "…" + uid.substring(uid.length() - 12);
  }

  private static String esc(String s) {
    return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
  }
}
