package io.neurostream.serde;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericDatumReader;
import org.apache.avro.generic.GenericDatumWriter;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.io.Encoder;
import org.apache.avro.io.EncoderFactory;
import org.junit.jupiter.api.Test;

/** Our decoder reads every valid Avro binary encoding exactly as Avro's own decoder does. */
class BoundedBinaryDecoderTest {

  private static final Schema WRITER = new Schema.Parser().parse("""
      {"type":"record","name":"Everything","namespace":"test","fields":[
        {"name":"n","type":"null"},
        {"name":"b","type":"boolean"},
        {"name":"i","type":"int"},
        {"name":"l","type":"long"},
        {"name":"f","type":"float"},
        {"name":"d","type":"double"},
        {"name":"s","type":"string"},
        {"name":"by","type":"bytes"},
        {"name":"fx","type":{"type":"fixed","name":"Sixteen","size":16}},
        {"name":"e","type":{"type":"enum","name":"Color","symbols":["RED","GREEN","BLUE"]}},
        {"name":"u","type":["null","string","long"]},
        {"name":"arr","type":{"type":"array","items":{"type":"array","items":"long"}}},
        {"name":"m","type":{"type":"map","values":"double"}},
        {"name":"nulls","type":{"type":"array","items":"null"}},
        {"name":"tail","type":"string"}]}""");

  /** Drops most fields, so reading skips them (skipString, skipArray, skipMap, skipFixed...). */
  private static final Schema READER = new Schema.Parser().parse("""
      {"type":"record","name":"Everything","namespace":"test","fields":[
        {"name":"i","type":"int"},
        {"name":"tail","type":"string"}]}""");

  private static GenericRecord record(Random random) {
    GenericRecord r = new GenericData.Record(WRITER);
    r.put("n", null);
    r.put("b", random.nextBoolean());
    r.put("i", random.nextInt());
    r.put("l", random.nextLong());
    r.put("f", random.nextFloat() * 1e6f - 5e5f);
    r.put("d", random.nextGaussian() * 1e300);
    r.put("s", "text é✓ " + random.nextInt(1000));
    byte[] bytes = new byte[random.nextInt(300)];
    random.nextBytes(bytes);
    r.put("by", ByteBuffer.wrap(bytes));
    byte[] fixed = new byte[16];
    random.nextBytes(fixed);
    r.put("fx", new GenericData.Fixed(WRITER.getField("fx").schema(), fixed));
    r.put("e", new GenericData.EnumSymbol(WRITER.getField("e").schema(),
        List.of("RED", "GREEN", "BLUE").get(random.nextInt(3))));
    r.put("u", switch (random.nextInt(3)) {
      case 0 -> null;
      case 1 -> "branch";
      default -> random.nextLong();
    });
    List<List<Long>> arr = new ArrayList<>();
    for (int i = 0, n = random.nextInt(40); i < n; i++) {
      List<Long> inner = new ArrayList<>();
      for (int j = 0, m = random.nextInt(30); j < m; j++) {
        inner.add(random.nextLong());
      }
      arr.add(inner);
    }
    r.put("arr", arr);
    Map<String, Double> map = new LinkedHashMap<>();
    for (int i = 0, n = random.nextInt(50); i < n; i++) {
      map.put("k" + i, random.nextDouble());
    }
    r.put("m", map);
    List<Object> nulls = new ArrayList<>();
    for (int i = 0, n = random.nextInt(100); i < n; i++) {
      nulls.add(null);
    }
    r.put("nulls", nulls);
    r.put("tail", "end-" + random.nextInt());
    return r;
  }

  private static byte[] encode(GenericRecord record, boolean blocked) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    // the blocking encoder writes arrays and maps as blocks with negative counts and byte sizes
    Encoder encoder = blocked
        ? new EncoderFactory().configureBlockSize(64).blockingBinaryEncoder(out, null)
        : EncoderFactory.get().binaryEncoder(out, null);
    new GenericDatumWriter<GenericRecord>(WRITER).write(record, encoder);
    encoder.flush();
    return out.toByteArray();
  }

  private static GenericRecord decode(byte[] bytes, Schema reader) throws IOException {
    BoundedBinaryDecoder decoder = new BoundedBinaryDecoder(bytes, 0, bytes.length);
    GenericRecord result = new GenericDatumReader<GenericRecord>(WRITER, reader).read(null, decoder);
    assertThat(decoder.remaining()).isZero();
    return result;
  }

  @Test
  void shouldDecodeEveryTypeLikeAvroInPlainAndBlockedEncodings() throws IOException {
    Random random = new Random(11);
    for (int n = 0; n < 200; n++) {
      GenericRecord record = record(random);
      for (boolean blocked : new boolean[] {false, true}) {
        byte[] bytes = encode(record, blocked);
        GenericRecord expected = new GenericDatumReader<GenericRecord>(WRITER).read(null,
            org.apache.avro.io.DecoderFactory.get().binaryDecoder(bytes, null));

        assertThat(decode(bytes, WRITER)).as("record %d blocked=%s", n, blocked)
            .isEqualTo(expected).isEqualTo(record);
        GenericRecord projected = decode(bytes, READER);
        assertThat(projected.get("i")).isEqualTo(record.get("i"));
        assertThat(projected.get("tail").toString()).isEqualTo(record.get("tail"));
      }
    }
  }

  @Test
  void shouldNameWhatIsWrongAndWhere() {
    byte[] overlongVarint = {(byte) 0xff, (byte) 0xff, (byte) 0xff, (byte) 0xff, (byte) 0xff, 1};
    assertThatThrownBy(() -> new BoundedBinaryDecoder(overlongVarint, 0, 6).readInt())
        .isInstanceOf(MalformedPayloadException.class)
        .hasMessage("int varint is longer than 5 bytes (at byte 5 of the Avro body)");
    assertThatThrownBy(() -> new BoundedBinaryDecoder(new byte[] {2}, 0, 1).readBoolean())
        .isInstanceOf(MalformedPayloadException.class)
        .hasMessageContaining("boolean byte is 2, expected 0 or 1");
    assertThatThrownBy(() -> new BoundedBinaryDecoder(new byte[] {1}, 0, 1).readString())
        .isInstanceOf(MalformedPayloadException.class)
        .hasMessageContaining("string length -1 is negative");
    assertThatThrownBy(() -> new BoundedBinaryDecoder(new byte[] {0, 0}, 0, 2).readDouble())
        .isInstanceOf(MalformedPayloadException.class)
        .hasMessageContaining("double needs 8 bytes but only 2 remain");
  }
}
