package io.neurostream.imaging;

import io.neurostream.imaging.ImageDecodeException.Reason;

/**
 * Decodes one frame of DICOM RLE Lossless (PS3.5 Annex G): a 64-byte header with the number of
 * segments and their offsets, then one PackBits-style segment per byte plane, most significant
 * byte first. Only grayscale (one sample per pixel) of 8 or 16 bits allocated is decoded. Every
 * offset and run is bounded by the fragment and the frame, so damaged input fails cleanly.
 */
final class RleDecoder {

  private RleDecoder() {}

  /**
   * The frame's stored values (unsigned, not yet masked to BitsStored), row-major.
   *
   * @param frame the frame's bytes (its fragments joined)
   * @param pixels rows × columns
   * @param bytesPerSample 1 or 2
   */
  static int[] decode(byte[] frame, int pixels, int bytesPerSample) {
    if (frame.length < 64) {
      throw failed("the frame has " + frame.length + " bytes, fewer than the 64-byte RLE header");
    }
    long segments = u32(frame, 0);
    if (segments != bytesPerSample) {
      throw failed("the RLE header declares " + segments + " segments; a grayscale image of "
          + 8 * bytesPerSample + " bits needs " + bytesPerSample);
    }
    int[] values = new int[pixels];
    for (int s = 0; s < segments; s++) {
      long start = u32(frame, 4 + 4 * s);
      long end = s + 1 < segments ? u32(frame, 8 + 4 * s) : frame.length;
      if (start < 64 || end > frame.length || start > end) {
        throw failed("RLE segment " + (s + 1) + " spans bytes " + start + ".." + end
            + " of a " + frame.length + "-byte frame");
      }
      int shift = 8 * (bytesPerSample - 1 - s);
      unpack(frame, (int) start, (int) end, values, shift, s + 1);
    }
    return values;
  }

  /** PackBits: n in 0..127 copies n + 1 bytes, -127..-1 repeats the next byte 1 - n times. */
  private static void unpack(byte[] in, int pos, int end, int[] out, int shift, int segment) {
    int o = 0;
    while (o < out.length && pos < end) {
      int n = in[pos++];
      if (n >= 0) {
        int count = n + 1;
        if (pos + count > end || o + count > out.length) {
          throw failed("RLE segment " + segment + " has a literal run past its end");
        }
        for (int i = 0; i < count; i++) {
          out[o++] |= (in[pos++] & 0xff) << shift;
        }
      } else if (n != -128) {
        int count = 1 - n;
        if (pos >= end || o + count > out.length) {
          throw failed("RLE segment " + segment + " has a replicate run past its end");
        }
        int v = (in[pos++] & 0xff) << shift;
        for (int i = 0; i < count; i++) {
          out[o++] |= v;
        }
      }
    }
    if (o < out.length) {
      throw failed("RLE segment " + segment + " decodes to " + o + " bytes; the frame needs "
          + out.length);
    }
  }

  private static long u32(byte[] b, int at) {
    return (b[at] & 0xffL) | (b[at + 1] & 0xffL) << 8 | (b[at + 2] & 0xffL) << 16
        | (b[at + 3] & 0xffL) << 24;
  }

  private static ImageDecodeException failed(String message) {
    return new ImageDecodeException(Reason.IMAGE_DECODE_FAILED,
        "RLE Lossless pixel data is damaged: " + message + "; resend the instance");
  }
}
