package io.neurostream.serde;

import java.nio.ByteBuffer;
import org.apache.kafka.common.errors.SerializationException;

/**
 * The Confluent Schema Registry wire format: one magic byte {@code 0x00}, the schema's global id as
 * a 4-byte big-endian int, then the Avro binary encoding of the record with that schema. Every
 * Confluent serde (Java, JavaScript, Go, .NET, Python) reads and writes this layout.
 */
public final class WireFormat {

  /** The first byte of every framed record. */
  public static final byte MAGIC_BYTE = 0x00;
  /** Magic byte plus schema id. */
  public static final int HEADER_SIZE = 5;

  private WireFormat() {}

  /** Frames an Avro body with the header for {@code schemaId}. */
  public static byte[] frame(int schemaId, byte[] avroBody) {
    return ByteBuffer.allocate(HEADER_SIZE + avroBody.length)
        .put(MAGIC_BYTE)
        .putInt(schemaId)
        .put(avroBody)
        .array();
  }

  /**
   * Reads and checks the header of a framed record and returns its schema id; the Avro body starts
   * at {@link #HEADER_SIZE}.
   *
   * @throws SerializationException if the payload is empty, shorter than the header, starts with
   *     another magic byte, or carries a negative id
   */
  public static int schemaId(byte[] payload) {
    if (payload.length == 0) {
      throw new SerializationException("Empty payload (0 bytes); expected the Confluent wire"
          + " format (magic byte 0x00, 4-byte schema id, Avro binary). A tombstone must be a null"
          + " value, not an empty one.");
    }
    if (payload[0] != MAGIC_BYTE) {
      throw new SerializationException(String.format(
          "Unknown magic byte 0x%02x at offset 0; expected 0x00 (Confluent wire format).%s"
              + " Is the producer using the schema registry serializer?",
          payload[0] & 0xff, hint(payload[0])));
    }
    if (payload.length < HEADER_SIZE) {
      throw new SerializationException("Truncated payload: " + payload.length
          + " bytes, but the Confluent wire format header alone needs " + HEADER_SIZE
          + " (magic byte 0x00 + 4-byte big-endian schema id)");
    }
    int id = ByteBuffer.wrap(payload, 1, 4).getInt();
    if (id < 0) {
      throw new SerializationException("Invalid schema id " + id
          + " in bytes 1-4 of the Confluent wire format header; registry ids are never negative,"
          + " so the payload is corrupt");
    }
    return id;
  }

  /** Names what a wrong first byte most likely means, where a guess is cheap and useful. */
  private static String hint(byte first) {
    return switch (first) {
      case '{', '[' -> " 0x" + String.format("%02x", first) + " is '" + (char) first
          + "': this looks like JSON.";
      case 0x01 -> " 0x01 is Confluent's V1 (GUID) framing, which this serde does not read.";
      case 'O' -> " 0x4f is 'O': this may be an Avro object container file (Obj\\x01).";
      default -> "";
    };
  }
}
