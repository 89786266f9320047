package io.neurostream.verdict;

import io.neurostream.imaging.GrayImage;
import io.neurostream.model.GradCam;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import javax.imageio.ImageIO;

/**
 * A slice with its Grad-CAM map blended on as a heat map (blue-yellow-red, transparent where the
 * map is near zero), as a PNG for viewers and the demo report.
 */
public final class OverlayPng {

  private OverlayPng() {}

  /** The overlay of {@code map} on {@code image}, at {@code size} x {@code size} pixels. */
  public static byte[] of(GrayImage image, GradCam.Map map, int size) {
    return png(render(image, map, size));
  }

  /** The overlay as an image, for callers that draw more on it (the DICOM Secondary Capture). */
  public static BufferedImage render(GrayImage image, GradCam.Map map, int size) {
    GrayImage gray = image.resize(size, size);
    float[] heat = map.upsample(size, size);
    BufferedImage out = new BufferedImage(size, size, BufferedImage.TYPE_INT_RGB);
    for (int y = 0; y < size; y++) {
      for (int x = 0; x < size; x++) {
        float g = Math.max(0, Math.min(1, gray.pixels()[y * size + x]));
        float h = heat[y * size + x];
        float alpha = Math.min(0.6f, h * 0.8f);
        float[] c = color(h);
        int r = Math.round(255 * ((1 - alpha) * g + alpha * c[0]));
        int gg = Math.round(255 * ((1 - alpha) * g + alpha * c[1]));
        int b = Math.round(255 * ((1 - alpha) * g + alpha * c[2]));
        out.setRGB(x, y, (r << 16) | (gg << 8) | b);
      }
    }
    return out;
  }

  /** A blue (0) to yellow to red (1) scale. */
  private static float[] color(float v) {
    if (v < 0.5f) {
      float t = v / 0.5f;
      return new float[] {t, t, 1 - t};
    }
    float t = (v - 0.5f) / 0.5f;
    return new float[] {1, 1 - t, 0};
  }

  static byte[] png(BufferedImage image) {
    try (ByteArrayOutputStream bytes = new ByteArrayOutputStream()) {
      ImageIO.write(image, "png", bytes);
      return bytes.toByteArray();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
