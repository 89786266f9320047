package io.neurostream.imaging;

import io.neurostream.imaging.DataSetParser.Element;
import io.neurostream.imaging.DataSetParser.Fragment;
import io.neurostream.imaging.ImageDecodeException.Reason;
import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.List;

/**
 * The frames of an instance's Pixel Data and their stored values. Native pixel data is sliced by
 * frame size (byte order as the syntax says). Encapsulated pixel data is grouped into frames by the
 * Basic Offset Table when it has one, else one fragment per frame when the counts agree, else by
 * the codec's start-of-codestream marker; a single-frame instance takes all its fragments.
 */
final class PixelFrames {

  /** More frames than this is not a brain series but a resource attack. */
  static final int MAX_FRAMES = 10_000;

  private final TransferSyntax syntax;
  private final byte[] data;
  private final Element pixels;
  private final DicomSlice.PixelFormat format;
  private final int count;
  private final List<List<Fragment>> encapsulatedFrames;
  private final DataSetParser parser;

  PixelFrames(TransferSyntax syntax, byte[] data, Element pixels, DicomSlice.PixelFormat format,
      int declaredFrames, DataSetParser parser) {
    this.syntax = syntax;
    this.data = data;
    this.pixels = pixels;
    this.format = format;
    this.parser = parser;
    if (declaredFrames < 1 || declaredFrames > MAX_FRAMES) {
      throw new ImageDecodeException(Reason.UNSUPPORTED_PIXEL_FORMAT,
          "DICOM Number of Frames (0028,0008) is " + declaredFrames + "; accepted is 1 to "
              + MAX_FRAMES);
    }
    this.count = declaredFrames;
    if (syntax.encapsulated()) {
      this.encapsulatedFrames = group(pixels.fragments(), declaredFrames);
    } else {
      this.encapsulatedFrames = null;
      long needed = (long) frameBytes() * declaredFrames;
      if (pixels.length() < needed) {
        throw new ImageDecodeException(Reason.IMAGE_DECODE_FAILED,
            "DICOM file is truncated in Pixel Data: " + declaredFrames + " frame(s) of "
                + format.rows() + "x" + format.columns() + "x" + format.bitsAllocated()
                + " bit need " + needed + " bytes, the element holds " + pixels.length()
                + "; resend the whole file");
      }
    }
  }

  int count() {
    return count;
  }

  private int frameBytes() {
    return format.rows() * format.columns() * (format.bitsAllocated() / 8);
  }

  /** The stored values of frame {@code index}, unsigned and unmasked, row-major. */
  int[] storedValues(int index) {
    int n = format.rows() * format.columns();
    int bytesPerSample = format.bitsAllocated() / 8;
    if (!syntax.encapsulated()) {
      int start = pixels.offset() + index * frameBytes();
      int[] values = new int[n];
      for (int i = 0; i < n; i++) {
        values[i] = bytesPerSample == 1
            ? data[start + i] & 0xff
            : parser.u16(start + 2 * i);
      }
      return values;
    }
    byte[] frame = join(encapsulatedFrames.get(index));
    return switch (syntax.codec()) {
      case RLE -> RleDecoder.decode(frame, n, bytesPerSample);
      case JPEG, JPEG_2000 -> ImageIoFrames.decode(frame, syntax, format);
      default -> throw new IllegalStateException("no decoder for " + syntax);
    };
  }

  private byte[] join(List<Fragment> fragments) {
    if (fragments.size() == 1) {
      Fragment f = fragments.get(0);
      return java.util.Arrays.copyOfRange(data, f.offset(), f.offset() + f.length());
    }
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    for (Fragment f : fragments) {
      out.write(data, f.offset(), f.length());
    }
    return out.toByteArray();
  }

  private List<List<Fragment>> group(List<Fragment> items, int frames) {
    if (items.size() < 2) {
      throw DataSetParser.failed("encapsulated Pixel Data has no fragments after its Basic Offset "
          + "Table; resend the instance");
    }
    Fragment table = items.get(0);
    List<Fragment> fragments = items.subList(1, items.size());
    if (frames == 1) {
      return List.of(fragments);
    }
    if (table.length() >= 4L * frames) {
      return byOffsetTable(table, fragments, frames);
    }
    if (fragments.size() == frames) {
      List<List<Fragment>> out = new ArrayList<>();
      fragments.forEach(f -> out.add(List.of(f)));
      return out;
    }
    return byStartMarker(fragments, frames);
  }

  private List<List<Fragment>> byOffsetTable(Fragment table, List<Fragment> fragments, int frames) {
    int firstItem = fragments.get(0).itemOffset();
    long[] starts = new long[frames + 1];
    for (int i = 0; i < frames; i++) {
      // Basic Offset Table entries are little endian in every encapsulated syntax
      int at = table.offset() + 4 * i;
      starts[i] = (data[at] & 0xffL) | (data[at + 1] & 0xffL) << 8 | (data[at + 2] & 0xffL) << 16
          | (data[at + 3] & 0xffL) << 24;
    }
    starts[frames] = Long.MAX_VALUE;
    List<List<Fragment>> out = new ArrayList<>();
    for (int i = 0; i < frames; i++) {
      List<Fragment> frame = new ArrayList<>();
      for (Fragment f : fragments) {
        long rel = f.itemOffset() - firstItem;
        if (rel >= starts[i] && rel < starts[i + 1]) {
          frame.add(f);
        }
      }
      if (frame.isEmpty()) {
        throw DataSetParser.failed("the Basic Offset Table of the encapsulated Pixel Data points "
            + "frame " + (i + 1) + " at no fragment; resend the instance");
      }
      out.add(frame);
    }
    return out;
  }

  private List<List<Fragment>> byStartMarker(List<Fragment> fragments, int frames) {
    List<List<Fragment>> out = new ArrayList<>();
    for (Fragment f : fragments) {
      boolean starts = f.length() >= 2 && (data[f.offset()] & 0xff) == 0xFF
          && ((data[f.offset() + 1] & 0xff) == 0xD8 || (data[f.offset() + 1] & 0xff) == 0x4F);
      if (syntax.codec() == TransferSyntax.Codec.RLE) {
        starts = true; // RLE has one fragment per frame (PS3.5 A.4.2)
      }
      if (starts || out.isEmpty()) {
        out.add(new ArrayList<>());
      }
      out.get(out.size() - 1).add(f);
    }
    if (out.size() != frames) {
      throw DataSetParser.failed("encapsulated Pixel Data has " + fragments.size()
          + " fragments making " + out.size() + " frames, but Number of Frames is " + frames
          + "; resend the instance with a Basic Offset Table");
    }
    return out;
  }
}
