package io.neurostream.imaging;

import io.neurostream.imaging.ImageDecodeException.Reason;
import java.awt.image.Raster;
import java.io.ByteArrayInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import javax.imageio.ImageIO;
import javax.imageio.ImageReader;
import javax.imageio.event.IIOReadWarningListener;
import javax.imageio.stream.ImageInputStream;
import javax.imageio.stream.MemoryCacheImageInputStream;

/**
 * Decodes one encapsulated JPEG or JPEG 2000 frame through ImageIO: JPEG (baseline, 8-bit
 * extended, lossless) with TwelveMonkeys' reader, which handles lossless (process 14) of any
 * precision up to 16 bits that the JDK's reader refuses; JPEG 2000 codestreams with
 * jai-imageio-jpeg2000. Lossy JPEG of 12-bit precision (process 4) has no Java decoder on Maven
 * Central (TwelveMonkeys hands DCT to the JDK's 8-bit libjpeg) and is refused by name with the
 * fix, before any decoding. The frame's size is checked against Rows/Columns before its pixels
 * are decoded.
 */
final class ImageIoFrames {

  private static final String TWELVEMONKEYS = "com.twelvemonkeys.";
  private static final String JAI = "com.github.jaiimageio.";

  private ImageIoFrames() {}

  static int[] decode(byte[] frame, TransferSyntax syntax, DicomSlice.PixelFormat format) {
    if (syntax.codec() == TransferSyntax.Codec.JPEG_2000) {
      return DecodeWatchdog.run(syntax.title() + " frame",
          DecodeWatchdog.budgetMillis((long) format.rows() * format.columns()),
          () -> decodeHere(frame, syntax, format));
    }
    return decodeHere(frame, syntax, format);
  }

  private static int[] decodeHere(byte[] frame, TransferSyntax syntax,
      DicomSlice.PixelFormat format) {
    boolean jpeg = syntax.codec() == TransferSyntax.Codec.JPEG;
    int precision = jpeg ? dctPrecision(frame) : 8;
    if (precision == 12) {
      throw new ImageDecodeException(Reason.UNSUPPORTED_TRANSFER_SYNTAX, syntax.title()
          + " frame is lossy (DCT) JPEG of sample precision " + precision + ", which no Java "
          + "decoder on Maven Central reads (the JDK's and TwelveMonkeys' JPEG readers decode "
          + "8-bit DCT only); transcode it in the router with dcmtk's 'dcmdjpeg in.dcm out.dcm' "
          + "or GDCM's 'gdcmconv --raw in.dcm out.dcm', or let the sender use JPEG Lossless "
          + "(1.2.840.10008.1.2.4.70)");
    }
    ImageReader reader = reader(jpeg ? "jpeg" : "jpeg2000", jpeg ? TWELVEMONKEYS : JAI, syntax);
    List<String> warnings = new ArrayList<>();
    IIOReadWarningListener onWarning = (source, warning) -> warnings.add(warning);
    try (ImageInputStream in = new EofSignallingStream(frame)) {
      reader.setInput(in, true, true);
      reader.addIIOReadWarningListener(onWarning);
      int w = reader.getWidth(0);
      int h = reader.getHeight(0);
      if (w != format.columns() || h != format.rows()) {
        throw new ImageDecodeException(Reason.IMAGE_DECODE_FAILED, syntax.title() + " frame is "
            + w + "x" + h + " but Rows/Columns say " + format.columns() + "x" + format.rows()
            + "; fix the sender's header or resend the instance");
      }
      Raster raster = reader.readRaster(0, null);
      if (!warnings.isEmpty()) {
        throw new ImageDecodeException(Reason.IMAGE_DECODE_FAILED,
            syntax.title() + " frame is damaged: " + String.join("; ", warnings));
      }
      if (raster.getWidth() != w || raster.getHeight() != h || raster.getNumBands() < 1) {
        throw new ImageDecodeException(Reason.IMAGE_DECODE_FAILED,
            syntax.title() + " frame decoded to an unexpected raster " + raster.getWidth() + "x"
                + raster.getHeight() + " with " + raster.getNumBands() + " bands");
      }
      return raster.getSamples(raster.getMinX(), raster.getMinY(), w, h, 0, new int[w * h]);
    } catch (ImageDecodeException e) {
      throw e;
    } catch (IOException | RuntimeException | OutOfMemoryError | StackOverflowError e) {
      String why = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
      Reason reason = why.toLowerCase().contains("unsupported")
          ? Reason.UNSUPPORTED_TRANSFER_SYNTAX : Reason.IMAGE_DECODE_FAILED;
      throw new ImageDecodeException(reason, syntax.title() + " frame (" + frame.length
          + " bytes) could not be decoded: " + why + (reason == Reason.UNSUPPORTED_TRANSFER_SYNTAX
          ? " (no Java decoder on Maven Central); let the PACS send JPEG Lossless "
              + "(1.2.840.10008.1.2.4.70) or transcode with 'dcmdjpeg in.dcm out.dcm'"
          : "; resend the instance"), e);
    } finally {
      reader.dispose();
    }
  }

  /**
   * The sample precision of a DCT-based (lossy) JPEG frame, read from its first start-of-frame
   * marker (SOF0-2, 5-6, 9-10, 13-14); 8 when the frame is lossless (SOF3, 7, 11, 15) or the
   * header cannot be read (the decoder then reports the damage).
   */
  static int dctPrecision(byte[] jpeg) {
    int i = 2; // after SOI
    while (i + 4 < jpeg.length) {
      if ((jpeg[i] & 0xff) != 0xFF) {
        return 8;
      }
      int marker = jpeg[i + 1] & 0xff;
      if (marker == 0xFF) {
        i++; // fill byte
        continue;
      }
      boolean startOfFrame = marker >= 0xC0 && marker <= 0xCF && marker != 0xC4
          && marker != 0xC8 && marker != 0xCC;
      if (startOfFrame) {
        boolean lossless = (marker & 0x03) == 0x03;
        return lossless ? 8 : jpeg[i + 4] & 0xff;
      }
      if (marker == 0xDA || marker == 0xD9) {
        return 8; // a scan or the end before any frame header
      }
      i += 2 + ((jpeg[i + 2] & 0xff) << 8 | (jpeg[i + 3] & 0xff));
    }
    return 8;
  }

  /**
   * A stream whose single-byte read throws {@link EOFException} at the end instead of returning
   * -1: jj2000's packet-header bit reader takes -1 for a byte of one bits and loops forever on a
   * truncated codestream (jai-imageio-jpeg2000 issue 7); the exception ends it.
   */
  private static final class EofSignallingStream extends MemoryCacheImageInputStream {
    EofSignallingStream(byte[] bytes) {
      super(new ByteArrayInputStream(bytes));
    }

    @Override
    public int read() throws IOException {
      int b = super.read();
      if (b < 0) {
        throw new EOFException("the compressed frame ends early");
      }
      return b;
    }
  }

  /** A fresh reader of {@code format} from the named library (readers are not thread-safe). */
  private static ImageReader reader(String format, String vendor, TransferSyntax syntax) {
    Iterator<ImageReader> readers = ImageIO.getImageReadersByFormatName(format);
    while (readers.hasNext()) {
      ImageReader r = readers.next();
      if (r.getClass().getName().startsWith(vendor)) {
        return r;
      }
      r.dispose();
    }
    throw new IllegalStateException("no " + vendor + "* ImageIO reader for " + format + " on the "
        + "class path, needed for " + syntax + "; the build must include "
        + (vendor.equals(JAI) ? "com.github.jai-imageio:jai-imageio-jpeg2000"
            : "com.twelvemonkeys.imageio:imageio-jpeg"));
  }
}
