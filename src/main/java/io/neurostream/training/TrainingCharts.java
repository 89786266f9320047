package io.neurostream.training;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.FontMetrics;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.function.ToDoubleFunction;
import javax.imageio.ImageIO;

/**
 * PNG charts of a training run, drawn with java.awt (headless): training vs validation accuracy and
 * loss per epoch side by side, as the seed's figure shows, and a confusion matrix heat map.
 */
public final class TrainingCharts {

  private static final Color TRAIN = new Color(31, 119, 180);
  private static final Color VALIDATION = new Color(255, 127, 14);
  private static final Color AXIS = new Color(60, 60, 60);
  private static final Color GRID = new Color(225, 225, 225);
  /** Lightest cell fill: an empty cell is tinted, not white like the page. */
  private static final int EMPTY_CELL_SHADE = 243;
  private static final Color CELL_BORDER = new Color(200, 200, 215);
  private static final Color ZERO_TEXT = new Color(130, 130, 130);

  static {
    if (System.getProperty("java.awt.headless") == null) {
      System.setProperty("java.awt.headless", "true");
    }
  }

  private TrainingCharts() {}

  /** Writes the accuracy and loss curves to {@code file}. */
  public static void writeCurves(List<EpochStats> history, int bestEpoch, Path file) throws IOException {
    int panelW = 560;
    int h = 420;
    BufferedImage img = new BufferedImage(panelW * 2, h, BufferedImage.TYPE_INT_RGB);
    Graphics2D g = canvas(img);
    panel(g, 0, panelW, h, "Training and validation accuracy", "accuracy", history, bestEpoch,
        EpochStats::trainAccuracy, EpochStats::validationAccuracy, true);
    panel(g, panelW, panelW, h, "Training and validation loss", "loss", history, bestEpoch,
        EpochStats::trainLoss, EpochStats::validationLoss, false);
    g.dispose();
    ImageIO.write(img, "png", file.toFile());
  }

  /** Writes a confusion matrix heat map (rows true, columns predicted) to {@code file}. */
  public static void writeConfusionMatrix(EvaluationMetrics metrics, String title, Path file) throws IOException {
    int k = metrics.confusion().length;
    int cell = 110;
    int left = 190;
    int top = 90;
    int w = Math.max(left + k * cell + 40, 860);
    int h = top + k * cell + 120;
    BufferedImage img = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
    Graphics2D g = canvas(img);
    g.setFont(new Font(Font.SANS_SERIF, Font.BOLD, 16));
    g.setColor(AXIS);
    g.drawString(title, left, 30);
    g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 13));
    g.drawString(String.format(Locale.ROOT, "accuracy %.3f   balanced accuracy %.3f   macro-F1 %.3f",
        metrics.accuracy(), metrics.balancedAccuracy(), metrics.macroF1()), left, 52);
    g.drawString("predicted", left + k * cell / 2 - 30, top - 10);
    for (int i = 0; i < k; i++) {
      int rowTotal = 0;
      for (int j = 0; j < k; j++) {
        rowTotal += metrics.confusion()[i][j];
      }
      String name = shortName(metrics.classes().get(i).name());
      g.setColor(AXIS);
      g.drawString(name, 10, top + i * cell + cell / 2 + 5);
      drawCentered(g, name, left + i * cell + cell / 2, top + k * cell + 22);
      for (int j = 0; j < k; j++) {
        int n = metrics.confusion()[i][j];
        double share = rowTotal == 0 ? 0 : (double) n / rowTotal;
        g.setColor(cellColor(share));
        g.fillRect(left + j * cell, top + i * cell, cell, cell);
        g.setColor(CELL_BORDER);
        g.drawRect(left + j * cell, top + i * cell, cell, cell);
        g.setColor(n == 0 ? ZERO_TEXT : share > 0.55 ? Color.WHITE : AXIS);
        drawCentered(g, Integer.toString(n), left + j * cell + cell / 2, top + i * cell + cell / 2 - 2);
        drawCentered(g, String.format(Locale.ROOT, "%.0f%%", share * 100), left + j * cell + cell / 2,
            top + i * cell + cell / 2 + 16);
      }
    }
    g.setColor(AXIS);
    g.drawString("rows: true class; cells: count and share of the row", left, top + k * cell + 60);
    g.dispose();
    ImageIO.write(img, "png", file.toFile());
  }

  /**
   * The fill of a confusion-matrix cell holding {@code share} of its row: from a pale tint for an
   * empty cell (so a zero stays visible as a cell on the white page) to a deep blue.
   */
  static Color cellColor(double share) {
    int shade = (int) Math.round(EMPTY_CELL_SHADE - (EMPTY_CELL_SHADE - 55) * Math.max(0, Math.min(1, share)));
    return new Color(shade, shade, 255);
  }

  /** A white, antialiased canvas over {@code img}; the caller disposes of it. */
  public static Graphics2D canvas(BufferedImage img) {
    Graphics2D g = img.createGraphics();
    g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
    g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
    g.setColor(Color.WHITE);
    g.fillRect(0, 0, img.getWidth(), img.getHeight());
    return g;
  }

  private static void panel(
      Graphics2D g, int x0, int w, int h, String title, String yLabel, List<EpochStats> history,
      int bestEpoch, ToDoubleFunction<EpochStats> train, ToDoubleFunction<EpochStats> validation,
      boolean unitRange) {
    int left = x0 + 70;
    int right = x0 + w - 20;
    int top = 50;
    int bottom = h - 60;
    double min = 0;
    double max = 1;
    if (!unitRange) {
      max = 0;
      for (EpochStats e : history) {
        max = Math.max(max, Math.max(finite(train.applyAsDouble(e)), finite(validation.applyAsDouble(e))));
      }
      max = max <= 0 ? 1 : max * 1.1;
    }
    int epochs = Math.max(2, history.size());
    g.setFont(new Font(Font.SANS_SERIF, Font.BOLD, 15));
    g.setColor(AXIS);
    drawCentered(g, title, (left + right) / 2, 28);
    g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 12));
    for (int t = 0; t <= 5; t++) {
      double v = min + (max - min) * t / 5;
      int y = (int) Math.round(bottom - (bottom - top) * (v - min) / (max - min));
      g.setColor(GRID);
      g.drawLine(left, y, right, y);
      g.setColor(AXIS);
      g.drawString(String.format(Locale.ROOT, "%.2f", v), left - 40, y + 4);
    }
    for (int e = 1; e <= history.size(); e++) {
      int x = xAt(e, epochs, left, right);
      g.setColor(AXIS);
      if (history.size() <= 25 || e % 5 == 0) {
        drawCentered(g, Integer.toString(e), x, bottom + 18);
      }
    }
    g.drawLine(left, bottom, right, bottom);
    g.drawLine(left, top, left, bottom);
    drawCentered(g, "epoch", (left + right) / 2, bottom + 40);
    g.drawString(yLabel, x0 + 8, top - 10);
    if (bestEpoch >= 1) {
      int x = xAt(bestEpoch, epochs, left, right);
      g.setColor(new Color(150, 150, 150));
      g.setStroke(new BasicStroke(1f, BasicStroke.CAP_BUTT, BasicStroke.JOIN_MITER, 10f, new float[] {4f, 4f}, 0f));
      g.drawLine(x, top, x, bottom);
      g.drawString("kept", x + 4, top + 12);
    }
    series(g, history, train, TRAIN, epochs, left, right, top, bottom, min, max);
    series(g, history, validation, VALIDATION, epochs, left, right, top, bottom, min, max);
    g.setStroke(new BasicStroke(1f));
    legend(g, right - 130, top + 10, "training", TRAIN);
    legend(g, right - 130, top + 30, "validation", VALIDATION);
  }

  private static void series(
      Graphics2D g, List<EpochStats> history, ToDoubleFunction<EpochStats> f, Color color, int epochs,
      int left, int right, int top, int bottom, double min, double max) {
    g.setColor(color);
    g.setStroke(new BasicStroke(2.2f));
    int px = -1;
    int py = -1;
    for (int i = 0; i < history.size(); i++) {
      double v = finite(f.applyAsDouble(history.get(i)));
      int x = xAt(i + 1, epochs, left, right);
      int y = (int) Math.round(bottom - (bottom - top) * (Math.min(max, v) - min) / (max - min));
      if (px >= 0) {
        g.drawLine(px, py, x, y);
      }
      g.fillOval(x - 3, y - 3, 7, 7);
      px = x;
      py = y;
    }
  }

  private static void legend(Graphics2D g, int x, int y, String text, Color color) {
    g.setColor(color);
    g.fillRect(x, y - 8, 18, 6);
    g.setColor(AXIS);
    g.drawString(text, x + 24, y);
  }

  private static int xAt(int epoch, int epochs, int left, int right) {
    return left + (int) Math.round((right - left) * (epoch - 1) / (double) (epochs - 1));
  }

  private static double finite(double v) {
    return Double.isFinite(v) ? v : 0;
  }

  /** Draws {@code text} centred on {@code cx}, baseline at {@code y}, in the current font. */
  public static void drawCentered(Graphics2D g, String text, int cx, int y) {
    FontMetrics fm = g.getFontMetrics();
    g.drawString(text, cx - fm.stringWidth(text) / 2, y);
  }

  private static String shortName(String className) {
    return className.replace("_Demented", "").replace('_', ' ');
  }
}
