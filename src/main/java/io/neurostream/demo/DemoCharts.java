package io.neurostream.demo;

import io.neurostream.training.TrainingCharts;
import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.FontMetrics;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import javax.imageio.ImageIO;

/**
 * The demo's two time-and-distribution charts, drawn with java.awt (headless) in the look of {@link
 * io.neurostream.training.TrainingCharts}, which draws the per-version confusion matrices: accuracy
 * over the run with the swaps marked, and the end-to-end latency distribution per model version.
 */
final class DemoCharts {

  /** A model version's colour and name in the charts. */
  record Series(String version, String role, Color color) {
    String label() {
      return role.isEmpty() ? version : version + " (" + role + ")";
    }
  }

  /**
   * A moment marked on the accuracy chart.
   *
   * @param atSeconds seconds since the start of the stream
   * @param text what happened
   * @param dashed dashed for a decision, solid for the swap seen in the predictions
   */
  record Marker(double atSeconds, String text, boolean dashed) {}

  private static final Color[] PALETTE = {
    new Color(31, 119, 180), new Color(44, 160, 44), new Color(255, 127, 14),
    new Color(148, 103, 189), new Color(214, 39, 40), new Color(140, 86, 75)};
  private static final Color AXIS = new Color(60, 60, 60);
  private static final Color GRID = new Color(225, 225, 225);
  private static final int W = 1000;
  private static final int H = 440;
  private static final int LEFT = 70;
  private static final int RIGHT = W - 30;
  private static final int TOP = 60;
  private static final int BOTTOM = H - 60;

  static {
    if (System.getProperty("java.awt.headless") == null) {
      System.setProperty("java.awt.headless", "true");
    }
  }

  private DemoCharts() {}

  /** The colour of the {@code index}-th version. */
  static Color color(int index) {
    return PALETTE[index % PALETTE.length];
  }

  /**
   * A version's mean accuracy over the time it served, drawn as a flat line.
   *
   * @param fromSeconds its first prediction
   * @param toSeconds its last prediction
   * @param value its accuracy
   * @param series index into the series
   */
  record Segment(double fromSeconds, double toSeconds, double value, int series) {}

  /** A stretch of time shaded on the accuracy chart, e.g. while the stream was held. */
  record Band(double fromSeconds, double toSeconds, String text) {}

  /**
   * Accuracy against time: per version, the rolling accuracy of its last predictions (each point
   * at the moment of a prediction) and its mean over the time it served; decisions and swaps
   * marked, holds shaded.
   *
   * @param points per prediction: seconds since the stream started, rolling accuracy, series index
   */
  static void writeAccuracy(List<double[]> points, List<Segment> means, List<Band> bands, List<Series> series,
      List<Marker> markers, int window, Path file) throws IOException {
    BufferedImage img = new BufferedImage(W, H, BufferedImage.TYPE_INT_RGB);
    Graphics2D g = TrainingCharts.canvas(img);
    double maxX = 1;
    for (double[] p : points) {
      maxX = Math.max(maxX, p[0]);
    }
    for (Marker m : markers) {
      maxX = Math.max(maxX, m.atSeconds());
    }
    maxX *= 1.02;
    for (Band b : bands) {
      int x0 = x(b.fromSeconds(), maxX);
      int x1 = x(b.toSeconds(), maxX);
      g.setColor(new Color(240, 240, 240));
      g.fillRect(x0, TOP, Math.max(1, x1 - x0), BOTTOM - TOP);
    }
    axes(g, "Accuracy over the run (rolling over the last " + window + " predictions of each version)",
        "seconds since the first scan", "accuracy", maxX, 1.0);
    g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 12));
    for (Band b : bands) {
      g.setColor(new Color(130, 130, 130));
      TrainingCharts.drawCentered(g, b.text(), (x(b.fromSeconds(), maxX) + x(b.toSeconds(), maxX)) / 2, BOTTOM - 8);
    }
    int labelRow = 0;
    for (Marker m : markers) {
      int x = x(m.atSeconds(), maxX);
      g.setColor(m.dashed() ? new Color(120, 120, 120) : new Color(200, 40, 40));
      g.setStroke(m.dashed()
          ? new BasicStroke(1.3f, BasicStroke.CAP_BUTT, BasicStroke.JOIN_MITER, 10f, new float[] {5f, 4f}, 0f)
          : new BasicStroke(2f));
      g.drawLine(x, TOP, x, BOTTOM);
      g.drawString(m.text(), Math.min(x + 4, RIGHT - g.getFontMetrics().stringWidth(m.text())),
          TOP + 14 + 15 * (labelRow++ % 3));
    }
    g.setStroke(new BasicStroke(1f));
    for (double[] p : points) {
      g.setColor(series.get((int) p[2]).color());
      g.fillOval(x(p[0], maxX) - 2, y(p[1], 1.0) - 2, 4, 4);
    }
    g.setStroke(new BasicStroke(3f));
    for (Segment m : means) {
      Color c = series.get(m.series()).color();
      g.setColor(c.darker());
      int yy = y(m.value(), 1.0);
      g.drawLine(x(m.fromSeconds(), maxX), yy, x(m.toSeconds(), maxX), yy);
      String label = String.format(Locale.ROOT, "mean %.3f", m.value());
      g.drawString(label, x(m.toSeconds(), maxX) - g.getFontMetrics().stringWidth(label) - 4, yy - 6);
    }
    g.setStroke(new BasicStroke(1f));
    legend(g, series);
    g.dispose();
    ImageIO.write(img, "png", file.toFile());
  }

  /**
   * Histograms of end-to-end latency (scan record to prediction) per version, as lines over shared
   * bins up to the largest 99.5th percentile.
   */
  static void writeLatency(Map<Series, long[]> latencies, Path file) throws IOException {
    BufferedImage img = new BufferedImage(W, H, BufferedImage.TYPE_INT_RGB);
    Graphics2D g = TrainingCharts.canvas(img);
    long top = 1;
    for (long[] sorted : latencies.values()) {
      if (sorted.length > 0) {
        top = Math.max(top, sorted[Math.min(sorted.length - 1, (int) (sorted.length * 0.995))]);
      }
    }
    int bins = 40;
    double width = Math.max(1, Math.ceil(top * 1.05 / bins));
    double maxX = width * bins;
    Map<Series, double[]> shares = new LinkedHashMap<>();
    double maxShare = 0.01;
    for (Map.Entry<Series, long[]> e : latencies.entrySet()) {
      double[] h = new double[bins];
      for (long v : e.getValue()) {
        h[(int) Math.min(bins - 1, v / width)] += 1.0 / e.getValue().length;
      }
      for (double s : h) {
        maxShare = Math.max(maxShare, s);
      }
      shares.put(e.getKey(), h);
    }
    double[] shareTicks = niceTicks(maxShare * 1.05);
    maxShare = shareTicks[shareTicks.length - 1];
    axes(g, "End-to-end latency per model version (scan record to prediction)", "milliseconds",
        "share of scans", maxX, maxShare);
    g.setStroke(new BasicStroke(2.2f));
    for (Map.Entry<Series, double[]> e : shares.entrySet()) {
      g.setColor(e.getKey().color());
      double[] h = e.getValue();
      int px = x(0, maxX);
      int py = y(0, maxShare);
      for (int b = 0; b < bins; b++) {
        int x0 = x(b * width, maxX);
        int x1 = x((b + 1) * width, maxX);
        int yy = y(h[b], maxShare);
        g.drawLine(px, py, x0, yy);
        g.drawLine(x0, yy, x1, yy);
        px = x1;
        py = yy;
      }
    }
    g.setStroke(new BasicStroke(1f));
    legend(g, new ArrayList<>(latencies.keySet()));
    g.dispose();
    ImageIO.write(img, "png", file.toFile());
  }

  private static void axes(Graphics2D g, String title, String xLabel, String yLabel, double maxX, double maxY) {
    g.setFont(new Font(Font.SANS_SERIF, Font.BOLD, 15));
    g.setColor(AXIS);
    TrainingCharts.drawCentered(g, title, (LEFT + RIGHT) / 2, 28);
    g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 12));
    double[] ticks = niceTicks(maxY);
    List<String> labels = tickLabels(ticks);
    for (int t = 0; t < ticks.length; t++) {
      int yy = y(ticks[t], maxY);
      g.setColor(GRID);
      g.drawLine(LEFT, yy, RIGHT, yy);
      g.setColor(AXIS);
      g.drawString(labels.get(t), LEFT - 45, yy + 4);
    }
    double step = niceStep(maxX / 8);
    for (double v = 0; v <= maxX; v += step) {
      int xx = x(v, maxX);
      g.setColor(AXIS);
      g.drawLine(xx, BOTTOM, xx, BOTTOM + 4);
      TrainingCharts.drawCentered(g, String.format(Locale.ROOT, "%.0f", v), xx, BOTTOM + 18);
    }
    g.drawLine(LEFT, BOTTOM, RIGHT, BOTTOM);
    g.drawLine(LEFT, TOP, LEFT, BOTTOM);
    TrainingCharts.drawCentered(g, xLabel, (LEFT + RIGHT) / 2, BOTTOM + 40);
    g.drawString(yLabel, 8, TOP - 12);
  }

  private static void legend(Graphics2D g, List<Series> series) {
    g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 12));
    FontMetrics fm = g.getFontMetrics();
    int width = series.stream().mapToInt(s -> fm.stringWidth(s.label())).max().orElse(0) + 34;
    int x = RIGHT - width - 6;
    int y = BOTTOM - 14 - 18 * (series.size() - 1);
    g.setColor(new Color(255, 255, 255, 220));
    g.fillRect(x - 6, y - 14, width + 8, 18 * series.size() + 6);
    for (Series s : series) {
      g.setColor(s.color());
      g.fillRect(x, y - 8, 18, 6);
      g.setColor(AXIS);
      g.drawString(s.label(), x + 24, y);
      y += 18;
    }
  }

  /**
   * Axis ticks from 0 to at least {@code max} in steps of 1, 2 or 5 times a power of ten (about
   * five of them): 0, 0.1, 0.2 … rather than 0, 0.09, 0.17 …. The last tick is the axis top.
   */
  static double[] niceTicks(double max) {
    double step = niceStep(Math.max(max, 1e-9) / 5);
    int n = (int) Math.ceil(max / step - 1e-9);
    double[] ticks = new double[Math.max(1, n) + 1];
    for (int i = 0; i < ticks.length; i++) {
      ticks[i] = i * step;
    }
    return ticks;
  }

  /** Tick labels with as many decimals as the step needs, no more: "0.05", "0.1", "20". */
  static List<String> tickLabels(double[] ticks) {
    double step = ticks.length > 1 ? ticks[1] - ticks[0] : 1;
    int decimals = (int) Math.max(0, Math.ceil(-Math.log10(step) - 1e-9));
    List<String> labels = new ArrayList<>(ticks.length);
    for (double t : ticks) {
      labels.add(String.format(Locale.ROOT, "%." + decimals + "f", t));
    }
    return labels;
  }

  private static double niceStep(double raw) {
    double p = Math.pow(10, Math.floor(Math.log10(Math.max(raw, 1e-9))));
    for (double m : new double[] {1, 2, 5, 10}) {
      if (m * p >= raw) {
        return m * p;
      }
    }
    return 10 * p;
  }

  private static int x(double v, double maxX) {
    return LEFT + (int) Math.round((RIGHT - LEFT) * v / maxX);
  }

  private static int y(double v, double maxY) {
    return BOTTOM - (int) Math.round((BOTTOM - TOP) * Math.min(v, maxY) / maxY);
  }
}
