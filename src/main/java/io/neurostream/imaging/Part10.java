package io.neurostream.imaging;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;

/**
 * The Part 10 framing shared by {@link DicomWriter} and {@link SecondaryCapture}: the 128-byte
 * preamble, {@code "DICM"}, the file meta group (Explicit VR Little Endian, with its group
 * length) and the data set, deflated for the deflated syntax.
 */
final class Part10 {

  private static final String IMPLEMENTATION_CLASS_UID =
      DicomWriter.uidFromName("io.neurostream.imaging.DicomWriter");

  private Part10() {}

  static byte[] file(String sopClassUid, String sopInstanceUid, TransferSyntax syntax,
      byte[] dataSet) {
    DicomElements meta = new DicomElements(false);
    meta.add(0x00020001, "OB", new byte[] {0, 1});
    meta.uid(0x00020002, sopClassUid);
    meta.uid(0x00020003, sopInstanceUid);
    meta.uid(0x00020010, syntax.uid());
    meta.uid(0x00020012, IMPLEMENTATION_CLASS_UID);
    meta.text(0x00020013, "SH", "NEUROSTREAM");
    byte[] metaBytes = meta.bytes();

    ByteArrayOutputStream out = new ByteArrayOutputStream(132 + metaBytes.length + dataSet.length + 16);
    out.writeBytes(new byte[128]);
    out.writeBytes("DICM".getBytes(StandardCharsets.US_ASCII));
    DicomElements groupLength = new DicomElements(false);
    groupLength.add(0x00020000, "UL",
        ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN).putInt(metaBytes.length).array());
    out.writeBytes(groupLength.bytes());
    out.writeBytes(metaBytes);
    out.writeBytes(syntax.deflated() ? deflate(dataSet) : dataSet);
    return out.toByteArray();
  }

  private static byte[] deflate(byte[] dataSet) {
    java.util.zip.Deflater deflater = new java.util.zip.Deflater(
        java.util.zip.Deflater.DEFAULT_COMPRESSION, true);
    try {
      deflater.setInput(dataSet);
      deflater.finish();
      ByteArrayOutputStream out = new ByteArrayOutputStream(dataSet.length / 2 + 64);
      byte[] chunk = new byte[1 << 16];
      while (!deflater.finished()) {
        out.write(chunk, 0, deflater.deflate(chunk));
      }
      if (out.size() % 2 != 0) {
        out.write(0); // Part 10 files have even length (PS3.5 A.5)
      }
      return out.toByteArray();
    } finally {
      deflater.end();
    }
  }
}
