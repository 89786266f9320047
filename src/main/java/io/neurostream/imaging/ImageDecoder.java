package io.neurostream.imaging;

import io.neurostream.avro.ImageEncoding;
import io.neurostream.imaging.ImageDecodeException.Reason;
import java.awt.color.ColorSpace;
import java.awt.image.BufferedImage;
import java.awt.image.ColorModel;
import java.awt.image.IndexColorModel;
import java.awt.image.Raster;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import javax.imageio.ImageIO;
import javax.imageio.ImageReadParam;
import javax.imageio.ImageReader;
import javax.imageio.event.IIOReadWarningListener;
import javax.imageio.stream.ImageInputStream;
import javax.imageio.stream.MemoryCacheImageInputStream;

/**
 * Turns the image bytes of a scan into a {@link GrayImage}, whatever their {@link ImageEncoding}.
 *
 * <p>Intensity mapping, per encoding:
 *
 * <ul>
 *   <li>PNG, JPEG: 8-bit samples / 255, 16-bit PNG samples / 65535 (PNG's own full range: the
 *       producer already chose the window); colour images become Rec. 601 luminance ({@code 0.299 R
 *       + 0.587 G + 0.114 B}), alpha is ignored.
 *   <li>RAW_U8: value / 255.
 *   <li>RAW_U16_LE: per-image min/max window (min → 0, max → 1; a constant image → 0). Raw scanner
 *       values occupy an arbitrary part of the 16-bit range (often 0–4095), so dividing by 65535
 *       would give a nearly black slice; MRI intensities have no absolute unit, which is why
 *       per-image windowing is standard.
 *   <li>DICOM: see {@link DicomReader} (modality rescale, then the file's window or min/max).
 * </ul>
 *
 * <p>Width and height are required for the RAW encodings and must match the payload length; for
 * PNG, JPEG and DICOM the file's header is authoritative and the arguments are ignored. Header
 * dimensions are checked against {@link DecodeLimits} before pixels are decoded. Every failure is
 * an {@link ImageDecodeException} with a {@link Reason}; this class is stateless and thread-safe.
 */
public final class ImageDecoder {

  private static final byte[] PNG_SIGNATURE = {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'};

  private ImageDecoder() {}

  /** Decodes with {@link DecodeLimits#DEFAULT}. */
  public static GrayImage decode(byte[] bytes, ImageEncoding encoding, int width, int height) {
    return decode(bytes, encoding, width, height, DecodeLimits.DEFAULT);
  }

  /**
   * Decodes {@code bytes} of the given encoding.
   *
   * @param width columns; required for RAW_U8 and RAW_U16_LE, ignored otherwise
   * @param height rows; required for RAW_U8 and RAW_U16_LE, ignored otherwise
   * @throws ImageDecodeException when the bytes are not a decodable image within {@code limits}
   */
  public static GrayImage decode(
      byte[] bytes, ImageEncoding encoding, int width, int height, DecodeLimits limits) {
    Objects.requireNonNull(encoding, "encoding");
    Objects.requireNonNull(limits, "limits");
    if (bytes == null || bytes.length == 0) {
      throw new ImageDecodeException(Reason.IMAGE_DECODE_FAILED, encoding + " image is empty (0 bytes)");
    }
    return switch (encoding) {
      case PNG -> decodeWithImageIo(bytes, "png", limits);
      case JPEG -> decodeWithImageIo(bytes, "jpeg", limits);
      case RAW_U8 -> decodeRawU8(bytes, width, height, limits);
      case RAW_U16_LE -> decodeRawU16(bytes, width, height, limits);
      case DICOM -> DicomReader.read(bytes, limits).image();
    };
  }

  /**
   * Decodes like {@link #decode(byte[], ImageEncoding, int, int, DecodeLimits)}, but a PNG or JPEG
   * image larger than needed is decoded straight to a smaller size: each axis is subsampled by the
   * largest whole factor that still leaves at least {@code keepSide} pixels on it (ImageIO's
   * source subsampling, row by row), so a 4096 × 4096 slice costs the memory of a 512 × 512 one
   * instead of a 128 MB raster. Images up to {@code 2 × keepSide - 1} pixels on an axis decode
   * exactly as without it; pick {@code keepSide} at least twice the model's input size so the
   * model's own area-averaging resize does the rest. Other encodings decode at full size.
   *
   * @param keepSide the fewest pixels a subsampled axis keeps; 0 or less decodes at full size
   */
  public static GrayImage decode(byte[] bytes, ImageEncoding encoding, int width, int height,
      DecodeLimits limits, int keepSide) {
    if (keepSide > 0 && (encoding == ImageEncoding.PNG || encoding == ImageEncoding.JPEG)
        && bytes != null && bytes.length > 0) {
      Objects.requireNonNull(limits, "limits");
      return decodeWithImageIo(bytes, encoding == ImageEncoding.PNG ? "png" : "jpeg", limits,
          keepSide);
    }
    return decode(bytes, encoding, width, height, limits);
  }

  /** The subsampling factor of an axis of {@code size} pixels that keeps at least {@code keep}. */
  static int subsampling(int size, int keep) {
    return keep <= 0 ? 1 : Math.max(1, size / keep);
  }

  /**
   * Converts a decoded {@link BufferedImage} of any type to intensities in [0, 1]: gray samples
   * scaled by their bit depth, colour as Rec. 601 luminance, alpha ignored.
   */
  public static GrayImage fromBufferedImage(BufferedImage img) {
    int w = img.getWidth();
    int h = img.getHeight();
    ColorModel cm = img.getColorModel();
    Raster raster = img.getRaster();
    float[] out = new float[w * h];
    int type = cm.getColorSpace().getType();
    if (!(cm instanceof IndexColorModel) && type == ColorSpace.TYPE_GRAY) {
      // the raster holds the stored gray values; getRGB would apply a gamma conversion
      float max = (1 << cm.getComponentSize(0)) - 1;
      int[] row = new int[w];
      for (int y = 0; y < h; y++) {
        raster.getSamples(0, y, w, 1, 0, row);
        for (int x = 0; x < w; x++) {
          out[y * w + x] = Math.min(1f, row[x] / max);
        }
      }
    } else if (!(cm instanceof IndexColorModel)
        && type == ColorSpace.TYPE_RGB
        && cm.getNumColorComponents() == 3) {
      float maxR = (1 << cm.getComponentSize(0)) - 1;
      float maxG = (1 << cm.getComponentSize(1)) - 1;
      float maxB = (1 << cm.getComponentSize(2)) - 1;
      int[] r = new int[w];
      int[] g = new int[w];
      int[] b = new int[w];
      for (int y = 0; y < h; y++) {
        raster.getSamples(0, y, w, 1, 0, r);
        raster.getSamples(0, y, w, 1, 1, g);
        raster.getSamples(0, y, w, 1, 2, b);
        for (int x = 0; x < w; x++) {
          out[y * w + x] = luminance(r[x] / maxR, g[x] / maxG, b[x] / maxB);
        }
      }
    } else {
      // palettes and anything exotic: let Java2D convert to sRGB first
      int[] argb = img.getRGB(0, 0, w, h, null, 0, w);
      for (int i = 0; i < argb.length; i++) {
        int p = argb[i];
        out[i] = luminance(((p >> 16) & 0xff) / 255f, ((p >> 8) & 0xff) / 255f, (p & 0xff) / 255f);
      }
    }
    return new GrayImage(w, h, out);
  }

  private static float luminance(float r, float g, float b) {
    return Math.min(1f, Math.max(0f, 0.299f * r + 0.587f * g + 0.114f * b));
  }

  private static GrayImage decodeWithImageIo(byte[] bytes, String format, DecodeLimits limits) {
    return decodeWithImageIo(bytes, format, limits, 0);
  }

  private static GrayImage decodeWithImageIo(byte[] bytes, String format, DecodeLimits limits,
      int keepSide) {
    String name = format.toUpperCase();
    checkSignature(bytes, format);
    Iterator<ImageReader> readers = ImageIO.getImageReadersByFormatName(format);
    if (!readers.hasNext()) {
      throw new IllegalStateException("no " + name + " reader in this Java runtime");
    }
    ImageReader reader = readers.next();
    List<String> warnings = new ArrayList<>();
    IIOReadWarningListener onWarning = (source, warning) -> warnings.add(warning);
    // no disk cache: payloads are in memory already and a temp dir may be read-only
    try (ImageInputStream in = new MemoryCacheImageInputStream(new ByteArrayInputStream(bytes))) {
      reader.setInput(in, true, true);
      reader.addIIOReadWarningListener(onWarning);
      int w = reader.getWidth(0);
      int h = reader.getHeight(0);
      limits.check(w, h, name + " header");
      ImageReadParam param = reader.getDefaultReadParam();
      int sx = subsampling(w, keepSide);
      int sy = subsampling(h, keepSide);
      if (sx > 1 || sy > 1) {
        param.setSourceSubsampling(sx, sy, 0, 0);
      }
      BufferedImage img = reader.read(0, param);
      if (!warnings.isEmpty()) {
        // e.g. "Premature end of JPEG file": ImageIO fills the rest with gray instead of failing
        throw new ImageDecodeException(
            Reason.IMAGE_DECODE_FAILED, name + " image is damaged: " + String.join("; ", warnings));
      }
      return fromBufferedImage(img);
    } catch (ImageDecodeException e) {
      throw e;
    } catch (IOException | RuntimeException e) {
      throw new ImageDecodeException(
          Reason.IMAGE_DECODE_FAILED,
          name + " image (" + bytes.length + " bytes) could not be decoded: " + e.getMessage(),
          e);
    } finally {
      reader.dispose();
    }
  }

  /**
   * The encoding the bytes' signature announces: {@code PNG} (the 8-byte PNG signature),
   * {@code JPEG} (a start-of-image marker followed by another marker) or {@code DICOM} (Part 10
   * {@code "DICM"} at offset 128), checked in that order; empty for anything else (raw pixels have
   * no signature). Producers use it to label files so that this decoder accepts them.
   */
  public static Optional<ImageEncoding> signature(byte[] bytes) {
    if (startsWith(bytes, PNG_SIGNATURE)) {
      return Optional.of(ImageEncoding.PNG);
    }
    if (bytes.length >= 3 && (bytes[0] & 0xff) == 0xff && (bytes[1] & 0xff) == 0xd8
        && (bytes[2] & 0xff) == 0xff) {
      return Optional.of(ImageEncoding.JPEG);
    }
    if (DicomReader.looksLikeDicom(bytes)) {
      return Optional.of(ImageEncoding.DICOM);
    }
    return Optional.empty();
  }

  private static void checkSignature(byte[] bytes, String format) {
    Optional<ImageEncoding> signature = signature(bytes);
    ImageEncoding expected = format.equals("png") ? ImageEncoding.PNG : ImageEncoding.JPEG;
    if (signature.filter(expected::equals).isEmpty()) {
      String found = signature.map(e -> "a " + e.name()).orElse("no known");
      throw new ImageDecodeException(
          Reason.IMAGE_DECODE_FAILED,
          "encoding is " + format.toUpperCase() + " but the bytes have " + found
              + " signature; fix the producer's encoding field");
    }
  }

  private static boolean startsWith(byte[] bytes, byte[] prefix) {
    if (bytes.length < prefix.length) {
      return false;
    }
    for (int i = 0; i < prefix.length; i++) {
      if (bytes[i] != prefix[i]) {
        return false;
      }
    }
    return true;
  }

  private static GrayImage decodeRawU8(byte[] bytes, int width, int height, DecodeLimits limits) {
    limits.check(width, height, "RAW_U8 scan");
    long expected = (long) width * height;
    if (bytes.length != expected) {
      throw new ImageDecodeException(
          Reason.PAYLOAD_SIZE_MISMATCH,
          "RAW_U8 " + width + "x" + height + " needs " + expected + " bytes, got " + bytes.length);
    }
    float[] out = new float[bytes.length];
    for (int i = 0; i < bytes.length; i++) {
      out[i] = (bytes[i] & 0xff) / 255f;
    }
    return new GrayImage(width, height, out);
  }

  private static GrayImage decodeRawU16(byte[] bytes, int width, int height, DecodeLimits limits) {
    limits.check(width, height, "RAW_U16_LE scan");
    long expected = 2L * width * height;
    if (bytes.length != expected) {
      throw new ImageDecodeException(
          Reason.PAYLOAD_SIZE_MISMATCH,
          "RAW_U16_LE " + width + "x" + height + " needs " + expected + " bytes (2 per pixel), got "
              + bytes.length);
    }
    int n = width * height;
    int[] values = new int[n];
    for (int i = 0; i < n; i++) {
      values[i] = (bytes[2 * i] & 0xff) | (bytes[2 * i + 1] & 0xff) << 8;
    }
    return Windowing.minMax(width, height, values);
  }
}
