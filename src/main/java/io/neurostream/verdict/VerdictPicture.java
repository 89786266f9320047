package io.neurostream.verdict;

import io.neurostream.avro.SeriesVerdict;
import io.neurostream.avro.SupportingSlice;
import java.awt.Color;
import java.awt.Font;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The picture a verdict goes back to the PACS as: the top supporting slice (with its Grad-CAM
 * overlay when there is one, else the plain slice, and the picture says which) enlarged to
 * {@value #SIDE} pixels, with a band below it in which the verdict class, its confidence, the
 * model version(s), the slice and "RESEARCH USE ONLY - NOT FOR DIAGNOSIS" are burned in.
 */
final class VerdictPicture {

  /** The research-use warning burned into every picture. */
  static final String RESEARCH_ONLY = "RESEARCH USE ONLY - NOT FOR DIAGNOSIS";
  static final int SIDE = 512;
  private static final int LINE = 22;

  /** What the picture shows of the slice. */
  enum Shows {
    /** The Grad-CAM overlay of the verdict class. */
    GRAD_CAM,
    /** The plain slice: no explanation (explain.mode=off, or none in time). */
    PLAIN_SLICE,
    /** Nothing: the slice is no longer on mri.scans. */
    NO_SLICE
  }

  private VerdictPicture() {}

  /**
   * Draws the picture.
   *
   * @param slice the overlay or plain slice (any size, scaled to fit), null when {@link
   *     Shows#NO_SLICE}
   */
  static BufferedImage draw(SeriesVerdict v, BufferedImage slice, Shows shows) {
    List<String> lines = lines(v, shows);
    int height = SIDE + LINE * (lines.size() + 1);
    BufferedImage out = new BufferedImage(SIDE, height, BufferedImage.TYPE_INT_RGB);
    Graphics2D g = out.createGraphics();
    try {
      g.setColor(Color.BLACK);
      g.fillRect(0, 0, SIDE, height);
      if (slice != null) {
        g.setRenderingHint(RenderingHints.KEY_INTERPOLATION,
            RenderingHints.VALUE_INTERPOLATION_BILINEAR);
        g.drawImage(slice, 0, 0, SIDE, SIDE, null);
      }
      g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING,
          RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
      g.setFont(new Font(Font.SANS_SERIF, Font.BOLD, 16));
      // the warning also on the image itself, where a cropped screenshot keeps it
      g.setColor(Color.BLACK);
      g.fillRect(0, 0, SIDE, LINE + 4);
      g.setColor(Color.YELLOW);
      g.drawString(RESEARCH_ONLY, 8, LINE - 4);
      int y = SIDE + LINE;
      for (int i = 0; i < lines.size(); i++) {
        g.setColor(i == 0 ? Color.YELLOW : Color.WHITE);
        // a long line (many model versions, a SOP UID) is drawn smaller rather than cut off
        int size = 16;
        g.setFont(new Font(Font.SANS_SERIF, Font.BOLD, size));
        while (size > 8 && g.getFontMetrics().stringWidth(lines.get(i)) > SIDE - 16) {
          g.setFont(new Font(Font.SANS_SERIF, Font.BOLD, --size));
        }
        g.drawString(lines.get(i), 8, y);
        y += LINE;
      }
    } finally {
      g.dispose();
    }
    return out;
  }

  /** The burned-in text, line by line (also written to Image Comments). */
  static List<String> lines(SeriesVerdict v, Shows shows) {
    List<String> lines = new ArrayList<>();
    lines.add(RESEARCH_ONLY);
    lines.add(String.format(Locale.ROOT, "NeuroStream verdict: %s, confidence %.2f",
        v.getVerdict(), v.getConfidence()));
    lines.add("model " + String.join(", ", v.getModelVersions())
        + (v.getMixedModelVersions() ? " (MIXED versions)" : ""));
    lines.add(String.format(Locale.ROOT, "%d slice(s)%s, closed by %s, revision %d",
        v.getSlices(), v.getSlicesExpected() == null ? "" : " of " + v.getSlicesExpected(),
        v.getClosedBy(), v.getRevision()));
    String slice = top(v).map(s -> String.format(Locale.ROOT, "slice %s (p=%.2f)",
        s.getSliceIndex() == null ? s.getSopInstanceUid() : "#" + (s.getSliceIndex() + 1),
        s.getProbability())).orElse("no supporting slice");
    lines.add(switch (shows) {
      case GRAD_CAM -> "Grad-CAM of " + v.getVerdict() + " on top " + slice;
      case PLAIN_SLICE -> "NO Grad-CAM map: plain top " + slice;
      case NO_SLICE -> "top " + slice + " no longer available: no image";
    });
    return lines;
  }

  static java.util.Optional<SupportingSlice> top(SeriesVerdict v) {
    return v.getSupportingSlices().stream().findFirst();
  }
}
