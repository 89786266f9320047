package io.neurostream.imaging;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;

/**
 * Encodes native little-endian grayscale frames as DICOM RLE Lossless (PS3.5 Annex G): per frame a
 * 64-byte header and one PackBits segment per byte plane, most significant byte first, each of
 * even length. The counterpart of {@link RleDecoder}, used by {@link DicomWriter}.
 */
final class RleEncoder {

  private RleEncoder() {}

  /** One RLE fragment per frame of {@code pixels} (frames stored one after another). */
  static List<byte[]> frames(byte[] pixels, int frames, int bytesPerSample) {
    int frameBytes = pixels.length / frames;
    int samples = frameBytes / bytesPerSample;
    List<byte[]> out = new ArrayList<>(frames);
    for (int f = 0; f < frames; f++) {
      ByteBuffer header = ByteBuffer.allocate(64).order(ByteOrder.LITTLE_ENDIAN);
      header.putInt(bytesPerSample);
      ByteArrayOutputStream body = new ByteArrayOutputStream();
      byte[] plane = new byte[samples];
      for (int s = 0; s < bytesPerSample; s++) {
        header.putInt(64 + body.size());
        int byteInSample = bytesPerSample - 1 - s; // little endian: the high byte is last
        for (int i = 0; i < samples; i++) {
          plane[i] = pixels[f * frameBytes + i * bytesPerSample + byteInSample];
        }
        packBits(plane, body);
        if (body.size() % 2 != 0) {
          body.write(0x80); // a no-op run pads the segment to even length
        }
      }
      ByteArrayOutputStream frame = new ByteArrayOutputStream(64 + body.size());
      frame.writeBytes(header.array());
      frame.writeBytes(body.toByteArray());
      out.add(frame.toByteArray());
    }
    return out;
  }

  private static void packBits(byte[] in, ByteArrayOutputStream out) {
    int i = 0;
    while (i < in.length) {
      int run = 1;
      while (i + run < in.length && run < 128 && in[i + run] == in[i]) {
        run++;
      }
      if (run >= 2) {
        out.write(1 - run);
        out.write(in[i]);
        i += run;
        continue;
      }
      int start = i;
      int literal = 0;
      while (i < in.length && literal < 128
          && !(i + 1 < in.length && in[i + 1] == in[i])) {
        i++;
        literal++;
      }
      if (literal == 0) { // in[i] starts a run of 2+, handled next round
        continue;
      }
      out.write(literal - 1);
      out.write(in, start, literal);
    }
  }
}
