package io.neurostream.imaging;

import java.util.List;

/** Lays images out in a grid, for looking at many slices at once (e.g. one row per class). */
public final class ContactSheet {

  private ContactSheet() {}

  /**
   * A grid of {@code rows}, each a list of images shown left to right, every tile {@code tile}
   * pixels square (images are resized), separated by {@code gap} pixels of mid gray.
   */
  public static GrayImage of(List<List<GrayImage>> rows, int tile, int gap) {
    int columns = rows.stream().mapToInt(List::size).max().orElse(0);
    if (rows.isEmpty() || columns == 0) {
      throw new IllegalArgumentException("a contact sheet needs at least one image");
    }
    int width = columns * tile + (columns + 1) * gap;
    int height = rows.size() * tile + (rows.size() + 1) * gap;
    float[] p = new float[width * height];
    java.util.Arrays.fill(p, 0.5f);
    for (int r = 0; r < rows.size(); r++) {
      List<GrayImage> row = rows.get(r);
      for (int c = 0; c < row.size(); c++) {
        GrayImage img = row.get(c).resize(tile, tile);
        int x0 = gap + c * (tile + gap);
        int y0 = gap + r * (tile + gap);
        for (int y = 0; y < tile; y++) {
          System.arraycopy(img.pixels(), y * tile, p, (y0 + y) * width + x0, tile);
        }
      }
    }
    return new GrayImage(width, height, p);
  }
}
