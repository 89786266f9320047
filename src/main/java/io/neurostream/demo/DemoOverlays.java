package io.neurostream.demo;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The Grad-CAM overlays the report shows beside the series verdicts. */
final class DemoOverlays {
  private static final Logger LOG = LoggerFactory.getLogger(DemoOverlays.class);

  private DemoOverlays() {}

  /**
   * Writes the Grad-CAM overlay of each verdict's top supporting slice into {@code report/overlays};
   * returns their report-relative names by SOP Instance UID.
   */
  static Map<String, String> write(Path report, SeriesSummary series, Map<String, byte[]> overlays) {
    Map<String, String> written = new HashMap<>();
    try {
      Files.createDirectories(report.resolve("overlays"));
      for (SeriesSummary.Scored s : series.verdicts()) {
        if (s.verdict().getSupportingSlices().isEmpty()) {
          continue;
        }
        String sop = s.verdict().getSupportingSlices().get(0).getSopInstanceUid();
        byte[] png = overlays.get(sop);
        if (png != null) {
          String name = "overlays/" + sop.replaceAll("[^A-Za-z0-9._-]", "_") + ".png";
          Files.write(report.resolve(name), png);
          written.put(sop, name);
        }
      }
    } catch (IOException e) {
      LOG.warn("could not write the Grad-CAM overlays into {}: {}", report, e.toString());
    }
    return written;
  }
}
