package io.neurostream.imaging;

import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.zip.CRC32;
import java.util.zip.Deflater;
import java.util.zip.DeflaterOutputStream;

/**
 * Valid 16-bit RGBA PNGs of any size, written row by row (no raster in memory), of a smooth
 * head-like phantom: a bright ellipse with an intensity gradient on a dark background. The PNG
 * "Up" filter makes the rows compress to almost nothing, so a 4096 × 4096 image takes about a
 * hundred kilobytes: the kind of valid, small-on-the-wire, huge-when-decoded scan issue 13 B is
 * about.
 */
public final class LargePngs {

  private LargePngs() {}

  /** The 16-bit gray value the phantom has at ({@code x}, {@code y}); alpha is opaque. */
  public static int value(int x, int y, int width, int height, int seed) {
    double dx = (x - width / 2.0) / (width * 0.4);
    double dy = (y - height / 2.0) / (height * 0.45);
    return dx * dx + dy * dy < 1
        ? 20_000 + (int) (20_000.0 * y / height) + 97 * (seed % 50) : 1_500;
  }

  /** A {@code width} × {@code height} 16-bit RGBA PNG of the phantom (gray in R, G and B). */
  public static byte[] rgba16(int width, int height, int seed) {
    try {
      ByteArrayOutputStream bytes = new ByteArrayOutputStream();
      DataOutputStream out = new DataOutputStream(bytes);
      out.write(new byte[] {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'});
      ByteArrayOutputStream header = new ByteArrayOutputStream();
      DataOutputStream h = new DataOutputStream(header);
      h.writeInt(width);
      h.writeInt(height);
      h.writeByte(16); // bit depth
      h.writeByte(6); // colour type RGBA
      h.writeByte(0);
      h.writeByte(0);
      h.writeByte(0);
      chunk(out, "IHDR", header.toByteArray());
      ByteArrayOutputStream idat = new ByteArrayOutputStream();
      int stride = width * 8;
      byte[] previous = new byte[stride];
      byte[] row = new byte[stride];
      byte[] filtered = new byte[stride + 1];
      filtered[0] = 2; // filter "Up": each byte minus the one above it
      try (DeflaterOutputStream z = new DeflaterOutputStream(idat, new Deflater(6), 1 << 16)) {
        for (int y = 0; y < height; y++) {
          for (int x = 0; x < width; x++) {
            int v = value(x, y, width, height, seed);
            int o = x * 8;
            for (int c = 0; c < 3; c++) {
              row[o + 2 * c] = (byte) (v >> 8);
              row[o + 2 * c + 1] = (byte) v;
            }
            row[o + 6] = (byte) 0xff;
            row[o + 7] = (byte) 0xff;
          }
          for (int i = 0; i < stride; i++) {
            filtered[i + 1] = (byte) (row[i] - previous[i]);
          }
          z.write(filtered);
          byte[] t = previous;
          previous = row;
          row = t;
        }
      }
      chunk(out, "IDAT", idat.toByteArray());
      chunk(out, "IEND", new byte[0]);
      return bytes.toByteArray();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static void chunk(DataOutputStream out, String type, byte[] data) throws IOException {
    byte[] t = type.getBytes(StandardCharsets.US_ASCII);
    out.writeInt(data.length);
    out.write(t);
    out.write(data);
    CRC32 crc = new CRC32();
    crc.update(t);
    crc.update(data);
    out.writeInt((int) crc.getValue());
  }
}
