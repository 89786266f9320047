package io.neurostream.serde;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import org.apache.avro.io.Decoder;
import org.apache.avro.util.Utf8;

/**
 * An Avro binary decoder over one in-memory payload that never trusts a length it reads. Avro's own
 * decoders allocate a string, bytes or array of whatever length the payload claims, so four bytes of
 * garbage can ask for gigabytes, and an array of zero-size items can spin for billions of rounds.
 * Here every length is checked against the bytes that remain before anything is allocated, and the
 * total number of collection items is capped by the payload's size (plus a small allowance for
 * items that take no bytes, such as nulls), so decoding garbage ends quickly with
 * {@link MalformedPayloadException} naming the offset.
 *
 * <p>The encoding read is exactly Avro's binary encoding (the one Confluent's serdes write).
 */
final class BoundedBinaryDecoder extends Decoder {

  /** Collection items that occupy no bytes (null, empty records) allowed beyond the payload size. */
  static final long ZERO_SIZE_ITEM_ALLOWANCE = 65_536;

  private final byte[] buf;
  private final int start;
  private final int limit;
  private int pos;
  private long itemBudget;

  BoundedBinaryDecoder(byte[] buf, int offset, int length) {
    this.buf = buf;
    this.start = offset;
    this.pos = offset;
    this.limit = offset + length;
    this.itemBudget = length + ZERO_SIZE_ITEM_ALLOWANCE;
  }

  /** Bytes not read yet. */
  int remaining() {
    return limit - pos;
  }

  /** Position relative to the start of the Avro body. */
  int offset() {
    return pos - start;
  }

  private MalformedPayloadException malformed(String what) {
    return new MalformedPayloadException(what, offset());
  }

  private void require(long n, String what) throws MalformedPayloadException {
    if (n > remaining()) {
      throw malformed(what + " needs " + n + " bytes but only " + remaining() + " remain");
    }
  }

  @Override
  public void readNull() {}

  @Override
  public boolean readBoolean() throws IOException {
    require(1, "boolean");
    byte b = buf[pos++];
    if (b != 0 && b != 1) {
      pos--;
      throw malformed("boolean byte is " + b + ", expected 0 or 1");
    }
    return b == 1;
  }

  @Override
  public int readInt() throws IOException {
    int at = offset();
    long value = readVarLong(5, "int");
    if (value < Integer.MIN_VALUE || value > Integer.MAX_VALUE) {
      throw new MalformedPayloadException("int varint overflows 32 bits", at);
    }
    return (int) value;
  }

  @Override
  public long readLong() throws IOException {
    return readVarLong(10, "long");
  }

  /** Reads a zig-zag varint of at most {@code maxBytes} bytes. */
  private long readVarLong(int maxBytes, String what) throws IOException {
    long raw = 0;
    int shift = 0;
    for (int i = 0; i < maxBytes; i++) {
      if (pos >= limit) {
        throw malformed(what + " varint runs past the end of the payload");
      }
      int b = buf[pos++] & 0xff;
      raw |= (long) (b & 0x7f) << shift;
      if ((b & 0x80) == 0) {
        return (raw >>> 1) ^ -(raw & 1);
      }
      shift += 7;
    }
    throw malformed(what + " varint is longer than " + maxBytes + " bytes");
  }

  @Override
  public float readFloat() throws IOException {
    require(4, "float");
    int bits = (buf[pos] & 0xff) | (buf[pos + 1] & 0xff) << 8 | (buf[pos + 2] & 0xff) << 16
        | (buf[pos + 3] & 0xff) << 24;
    pos += 4;
    return Float.intBitsToFloat(bits);
  }

  @Override
  public double readDouble() throws IOException {
    require(8, "double");
    long bits = 0;
    for (int i = 7; i >= 0; i--) {
      bits = (bits << 8) | (buf[pos + i] & 0xff);
    }
    pos += 8;
    return Double.longBitsToDouble(bits);
  }

  /** Reads a length prefix and checks it against what remains, before anyone allocates it. */
  private int readLength(String what) throws IOException {
    int at = offset();
    long length = readLong();
    if (length < 0) {
      throw new MalformedPayloadException(what + " length " + length + " is negative", at);
    }
    if (length > remaining()) {
      throw new MalformedPayloadException(what + " length " + length + " exceeds the "
          + remaining() + " bytes that remain", at);
    }
    return (int) length;
  }

  @Override
  public Utf8 readString(Utf8 old) throws IOException {
    int length = readLength("string");
    Utf8 result = old != null ? old : new Utf8();
    result.setByteLength(length);
    System.arraycopy(buf, pos, result.getBytes(), 0, length);
    pos += length;
    return result;
  }

  @Override
  public String readString() throws IOException {
    int length = readLength("string");
    String result = new String(buf, pos, length, StandardCharsets.UTF_8);
    pos += length;
    return result;
  }

  @Override
  public void skipString() throws IOException {
    // not "pos += readLength(..)": Java reads pos before the call has moved it past the length
    int length = readLength("string");
    pos += length;
  }

  @Override
  public ByteBuffer readBytes(ByteBuffer old) throws IOException {
    int length = readLength("bytes");
    ByteBuffer result;
    if (old != null && old.capacity() >= length) {
      result = old;
      result.clear();
    } else {
      result = ByteBuffer.allocate(length);
    }
    result.put(buf, pos, length);
    result.flip();
    pos += length;
    return result;
  }

  @Override
  public void skipBytes() throws IOException {
    int length = readLength("bytes");
    pos += length;
  }

  @Override
  public void readFixed(byte[] bytes, int offset, int length) throws IOException {
    require(length, "fixed");
    System.arraycopy(buf, pos, bytes, offset, length);
    pos += length;
  }

  @Override
  public void skipFixed(int length) throws IOException {
    require(length, "fixed");
    pos += length;
  }

  @Override
  public int readEnum() throws IOException {
    int at = offset();
    int index = readInt();
    if (index < 0) {
      throw new MalformedPayloadException("enum index " + index + " is negative", at);
    }
    return index;
  }

  @Override
  public int readIndex() throws IOException {
    int at = offset();
    int index = readInt();
    if (index < 0) {
      throw new MalformedPayloadException("union branch index " + index + " is negative", at);
    }
    return index;
  }

  @Override
  public long readArrayStart() throws IOException {
    return readBlockCount("array");
  }

  @Override
  public long arrayNext() throws IOException {
    return readBlockCount("array");
  }

  @Override
  public long skipArray() throws IOException {
    return skipBlocks("array");
  }

  @Override
  public long readMapStart() throws IOException {
    return readBlockCount("map");
  }

  @Override
  public long mapNext() throws IOException {
    return readBlockCount("map");
  }

  @Override
  public long skipMap() throws IOException {
    return skipBlocks("map");
  }

  /**
   * Reads one block's item count. A negative count is followed by the block's size in bytes
   * (Avro's blocked encoding); that size is checked too.
   */
  private long readBlockCount(String what) throws IOException {
    int at = offset();
    long count = readLong();
    if (count < 0) {
      if (count == Long.MIN_VALUE) {
        throw new MalformedPayloadException(what + " block count overflows", at);
      }
      count = -count;
      readLength(what + " block");
    }
    spend(count, what, at);
    return count;
  }

  /** Skips size-prefixed blocks whole; returns the item count of a block without a size. */
  private long skipBlocks(String what) throws IOException {
    while (true) {
      int at = offset();
      long count = readLong();
      if (count >= 0) {
        spend(count, what, at);
        return count;
      }
      if (count == Long.MIN_VALUE) {
        throw new MalformedPayloadException(what + " block count overflows", at);
      }
      int size = readLength(what + " block");
      pos += size;
    }
  }

  private void spend(long count, String what, int at) throws MalformedPayloadException {
    if (count > itemBudget) {
      throw new MalformedPayloadException(what + " block of " + count
          + " items is more than a payload of " + (limit - start) + " bytes can hold", at);
    }
    itemBudget -= count;
  }
}
