package io.neurostream.classifier;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.serialization.Serializer;

/**
 * A scan record waiting in the batch buffer, exactly as it was read: source coordinates, record
 * timestamp, and the original key and value bytes. Keeping the original bytes (not a decoded
 * image) keeps the changelog small and lets any later failure become a dead letter with the
 * record as it arrived.
 *
 * @param topic source topic
 * @param partition source partition
 * @param offset source offset
 * @param timestamp the record's Kafka timestamp (scan timestamp of the prediction)
 * @param key original key bytes, may be null
 * @param value original value bytes, may be null
 */
public record BufferedScan(
    String topic, int partition, long offset, long timestamp, byte[] key, byte[] value) {

  private static final byte FORMAT = 1;

  /** The serde of the buffer store: a versioned, length-prefixed binary layout. */
  public static Serde<BufferedScan> serde() {
    return Serdes.serdeFrom(new Writer(), new Reader());
  }

  /** The key as text (keys are Strings on our topics), or null. */
  public String keyText() {
    return key == null ? null : new String(key, java.nio.charset.StandardCharsets.UTF_8);
  }

  private static final class Writer implements Serializer<BufferedScan> {
    @Override
    public byte[] serialize(String topic, BufferedScan s) {
      if (s == null) {
        return null;
      }
      ByteArrayOutputStream bytes = new ByteArrayOutputStream(
          64 + (s.key == null ? 0 : s.key.length) + (s.value == null ? 0 : s.value.length));
      try (DataOutputStream out = new DataOutputStream(bytes)) {
        out.writeByte(FORMAT);
        out.writeUTF(s.topic);
        out.writeInt(s.partition);
        out.writeLong(s.offset);
        out.writeLong(s.timestamp);
        writeBytes(out, s.key);
        writeBytes(out, s.value);
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
      return bytes.toByteArray();
    }

    private static void writeBytes(DataOutputStream out, byte[] b) throws IOException {
      out.writeInt(b == null ? -1 : b.length);
      if (b != null) {
        out.write(b);
      }
    }
  }

  private static final class Reader implements Deserializer<BufferedScan> {
    @Override
    public BufferedScan deserialize(String topic, byte[] data) {
      if (data == null) {
        return null;
      }
      try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(data))) {
        byte format = in.readByte();
        if (format != FORMAT) {
          throw new SerializationException("batch buffer record has format " + format
              + ", this classifier reads " + FORMAT + "; reset the application's state");
        }
        return new BufferedScan(in.readUTF(), in.readInt(), in.readLong(), in.readLong(),
            readBytes(in), readBytes(in));
      } catch (IOException e) {
        throw new SerializationException("corrupt batch buffer record: " + e, e);
      }
    }

    private static byte[] readBytes(DataInputStream in) throws IOException {
      int n = in.readInt();
      if (n < 0) {
        return null;
      }
      byte[] b = new byte[n];
      in.readFully(b);
      return b;
    }
  }
}
