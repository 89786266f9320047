package io.neurostream.imaging;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;

/** Accumulates DICOM elements, little endian, in explicit or implicit VR, for {@link DicomWriter}. */
final class DicomElements {

  private final boolean implicit;
  private final ByteArrayOutputStream out = new ByteArrayOutputStream();

  DicomElements(boolean implicit) {
    this.implicit = implicit;
  }

  void uid(int tag, String uid) {
    byte[] v = uid.getBytes(StandardCharsets.US_ASCII);
    add(tag, "UI", v.length % 2 == 0 ? v : pad(v, (byte) 0));
  }

  void text(int tag, String vr, String value) {
    byte[] v = value.getBytes(StandardCharsets.UTF_8);
    add(tag, vr, v.length % 2 == 0 ? v : pad(v, (byte) ' '));
  }

  void us(int tag, int value) {
    add(tag, "US", new byte[] {(byte) value, (byte) (value >>> 8)});
  }

  /** Encapsulated pixel data: undefined length, an empty offset table, one item per frame. */
  void encapsulated(int tag, java.util.List<byte[]> fragments) {
    ByteBuffer h = ByteBuffer.allocate(12).order(ByteOrder.LITTLE_ENDIAN);
    h.putShort((short) (tag >>> 16)).putShort((short) tag);
    h.put("OB".getBytes(StandardCharsets.US_ASCII)).putShort((short) 0).putInt(-1);
    out.write(h.array(), 0, 12);
    item(0xE000, new byte[0]);
    for (byte[] f : fragments) {
      item(0xE000, f.length % 2 == 0 ? f : pad(f, (byte) 0));
    }
    item(0xE0DD, new byte[0]);
  }

  private void item(int element, byte[] value) {
    ByteBuffer h = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN);
    h.putShort((short) 0xFFFE).putShort((short) element).putInt(value.length);
    out.write(h.array(), 0, 8);
    out.writeBytes(value);
  }

  void add(int tag, String vr, byte[] value) {
    if (value.length % 2 != 0) {
      value = pad(value, (byte) 0);
    }
    ByteBuffer h = ByteBuffer.allocate(12).order(ByteOrder.LITTLE_ENDIAN);
    h.putShort((short) (tag >>> 16)).putShort((short) tag);
    if (implicit) {
      h.putInt(value.length);
    } else if (vr.equals("OB") || vr.equals("OW") || vr.equals("UN") || vr.equals("SQ")
        || vr.equals("UT")) {
      h.put(vr.getBytes(StandardCharsets.US_ASCII)).putShort((short) 0).putInt(value.length);
    } else {
      h.put(vr.getBytes(StandardCharsets.US_ASCII)).putShort((short) value.length);
    }
    out.write(h.array(), 0, h.position());
    out.writeBytes(value);
  }

  private static byte[] pad(byte[] v, byte with) {
    byte[] p = java.util.Arrays.copyOf(v, v.length + 1);
    p[v.length] = with;
    return p;
  }

  byte[] bytes() {
    return out.toByteArray();
  }
}
