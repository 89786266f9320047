package io.neurostream.serde;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.neurostream.avro.DementiaStage;
import io.neurostream.avro.Prediction;
import io.neurostream.avro.ScanEvent;
import io.neurostream.avro.ScanIdentity;
import io.neurostream.platform.registry.EmbeddedSchemaRegistry;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.time.Instant;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericDatumWriter;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.EncoderFactory;
import org.apache.avro.specific.SpecificDatumWriter;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.serialization.Serde;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class AvroSerdesTest {

  private static EmbeddedSchemaRegistry registry;
  private static final AtomicInteger TOPICS = new AtomicInteger();

  @BeforeAll
  static void startRegistry() {
    registry = EmbeddedSchemaRegistry.startInMemory(0);
  }

  @AfterAll
  static void stopRegistry() {
    registry.close();
  }

  private static Map<String, Object> config(Object... extra) {
    Map<String, Object> config = new HashMap<>();
    config.put(SchemaRegistryConfig.URL, registry.url());
    config.put(SchemaRegistryConfig.MAX_RETRIES, 0);
    for (int i = 0; i < extra.length; i += 2) {
      config.put((String) extra[i], extra[i + 1]);
    }
    return config;
  }

  private static String freshTopic() {
    return "serde-test-" + TOPICS.incrementAndGet();
  }

  private static RestSchemaRegistryClient client() {
    return RestSchemaRegistryClient.fromConfig(config());
  }

  @Test
  void shouldRoundTripSpecificRecordFieldForField() {
    // given
    String topic = freshTopic();
    ScanEvent scan = SampleScans.scan(42);
    try (Serde<ScanEvent> serde = AvroSerdes.specific(ScanEvent.class, config(), false)) {
      // when
      byte[] bytes = serde.serializer().serialize(topic, scan);
      ScanEvent back = serde.deserializer().deserialize(topic, bytes);
      // then
      assertThat(back).isEqualTo(scan);
      assertThat(back.getImage()).isEqualTo(scan.getImage());
      assertThat(back.getAcquisitionTime()).isEqualTo(scan.getAcquisitionTime());
    }
  }

  @Test
  void shouldFrameWithMagicByteAndTheIdRegisteredUnderTopicNameStrategy() {
    String topic = freshTopic();
    try (Serde<ScanEvent> values = AvroSerdes.specific(ScanEvent.class, config(), false);
        Serde<ScanEvent> keys = AvroSerdes.specific(ScanEvent.class, config(), true)) {
      byte[] value = values.serializer().serialize(topic, SampleScans.scan(1));
      keys.serializer().serialize(topic, SampleScans.scan(1));

      RegisteredSchema latest = client().getLatest(topic + "-value");
      assertThat(value[0]).isEqualTo((byte) 0);
      assertThat(ByteBuffer.wrap(value, 1, 4).getInt()).isEqualTo(latest.id());
      assertThat(client().getSubjects()).contains(topic + "-value", topic + "-key");
      // same schema, same global id, under both subjects
      assertThat(client().getLatest(topic + "-key").id()).isEqualTo(latest.id());
    }
  }

  @Test
  void shouldRegisterTheCanonicalSchemaTextAndWritePlainAvroBinaryLikeConfluent() throws Exception {
    String topic = freshTopic();
    ScanEvent scan = SampleScans.scan(7);
    try (Serde<ScanEvent> serde = AvroSerdes.specific(ScanEvent.class, config(), false)) {
      byte[] bytes = serde.serializer().serialize(topic, scan);

      // Confluent's AvroSchema registers Schema.toString() (here of the contract: without the
      // Java-only properties, as avro.remove.java.properties=true) and writes a plain BinaryEncoder
      ByteArrayOutputStream expected = new ByteArrayOutputStream();
      BinaryEncoder encoder = EncoderFactory.get().binaryEncoder(expected, null);
      new SpecificDatumWriter<ScanEvent>(ScanEvent.class).write(scan, encoder);
      encoder.flush();
      assertThat(Arrays.copyOfRange(bytes, 5, bytes.length)).isEqualTo(expected.toByteArray());
      String contract = JavaProperties.strip(ScanEvent.getClassSchema()).toString();
      assertThat(contract).doesNotContain("avro.java.string");
      assertThat(client().getLatest(topic + "-value").schema().toString()).isEqualTo(contract);
      Map<String, Object> registered = new com.fasterxml.jackson.databind.ObjectMapper().readValue(
          new java.net.URL(registry.url() + "/subjects/" + topic + "-value/versions/1").openStream(),
          Map.class);
      assertThat(registered.get("schema")).isEqualTo(contract);
    }
  }

  @Test
  @SuppressWarnings("unchecked")
  void shouldRoundTripGenericRecords() {
    String topic = freshTopic();
    Schema schema = new Schema.Parser().parse("""
        {"type":"record","name":"Probe","namespace":"test","fields":[
          {"name":"name","type":"string"},
          {"name":"payload","type":"bytes"},
          {"name":"values","type":{"type":"array","items":"double"}},
          {"name":"maybe","type":["null","long"],"default":null}]}""");
    GenericRecord record = new GenericData.Record(schema);
    record.put("name", "probe");
    record.put("payload", ByteBuffer.wrap(new byte[] {0, 1, 2, (byte) 255}));
    record.put("values", List.of(1.5, -2.25));
    record.put("maybe", 99L);
    try (Serde<GenericRecord> serde = AvroSerdes.generic(config(), false)) {
      GenericRecord back = serde.deserializer().deserialize(topic,
          serde.serializer().serialize(topic, record));
      assertThat(back.getSchema()).isEqualTo(schema);
      assertThat(back.get("name").toString()).isEqualTo("probe");
      assertThat(back.get("payload")).isEqualTo(ByteBuffer.wrap(new byte[] {0, 1, 2, (byte) 255}));
      assertThat((List<Object>) back.get("values")).containsExactly(1.5, -2.25);
      assertThat(back.get("maybe")).isEqualTo(99L);
    }
  }

  @Test
  void shouldReadGeneratedClassesFromTheGenericSerdeWhenSpecificAvroReaderIsSet() {
    String topic = freshTopic();
    ScanEvent scan = SampleScans.scan(3);
    try (Serde<GenericRecord> serde = AvroSerdes.generic(
        config(SchemaRegistryConfig.SPECIFIC_AVRO_READER, "true"), false)) {
      GenericRecord back = serde.deserializer().deserialize(topic,
          serde.serializer().serialize(topic, scan));
      assertThat(back).isInstanceOf(ScanEvent.class).isEqualTo(scan);
    }
  }

  @Test
  void shouldPassNullsThroughAsTombstones() {
    try (Serde<ScanEvent> serde = AvroSerdes.specific(ScanEvent.class, config(), false)) {
      assertThat(serde.serializer().serialize("t", null)).isNull();
      assertThat(serde.deserializer().deserialize("t", null)).isNull();
    }
  }

  @Test
  void shouldReadDataWrittenWithV1IntoTheV2ClassThatAddedADefaultedField() {
    // given: a producer on v1 (no attributes field)
    String topic = freshTopic();
    Schema v1 = SampleScans.scanEventV1();
    ScanEvent v2Scan = SampleScans.scan(5);
    GenericRecord v1Record = new GenericData.Record(v1);
    for (Schema.Field field : v1.getFields()) {
      v1Record.put(field.name(), GenericData.get().deepCopy(field.schema(),
          asGeneric(v2Scan).get(field.name())));
    }
    byte[] written;
    try (Serde<GenericRecord> producer = AvroSerdes.generic(config(), false)) {
      written = producer.serializer().serialize(topic, v1Record);
    }
    // when: a consumer built against v2 reads it
    try (Serde<ScanEvent> consumer = AvroSerdes.specific(ScanEvent.class, config(), false)) {
      ScanEvent read = consumer.deserializer().deserialize(topic, written);
      // then: v1's fields come through and the new field takes its default
      assertThat(read.getAttributes()).isEmpty();
      assertThat(read.getIdentity()).isEqualTo(v2Scan.getIdentity());
      assertThat(read.getImage()).isEqualTo(v2Scan.getImage());
      assertThat(read.getAcquisitionTime()).isEqualTo(v2Scan.getAcquisitionTime());
      // and the v2 producer can register after v1 (BACKWARD: v2 reads v1)
      try (Serde<ScanEvent> v2Producer = AvroSerdes.specific(ScanEvent.class, config(), false)) {
        v2Producer.serializer().serialize(topic, v2Scan);
      }
      assertThat(client().getVersions(topic + "-value")).containsExactly(1, 2);
    }
  }

  @Test
  void shouldWriteWithTheLatestSchemaWhenUseLatestVersionIsSet() {
    // given: v2 (ScanEvent) is the subject's latest, and a producer still builds v1 records
    String topic = freshTopic();
    int v2Id = client().register(topic + "-value", ScanEvent.getClassSchema());
    Schema v1 = SampleScans.scanEventV1();
    GenericRecord v1Record = new GenericData.Record(v1);
    GenericRecord full = asGeneric(SampleScans.scan(8));
    v1.getFields().forEach(f -> v1Record.put(f.name(), full.get(f.name())));
    Map<String, Object> config = config(SchemaRegistryConfig.AUTO_REGISTER_SCHEMAS, false,
        SchemaRegistryConfig.USE_LATEST_VERSION, true);
    try (Serde<GenericRecord> serde = AvroSerdes.generic(config, false);
        Serde<ScanEvent> reader = AvroSerdes.specific(ScanEvent.class, config(), false)) {
      // when
      byte[] bytes = serde.serializer().serialize(topic, v1Record);
      // then: framed with v2's id and encoded in v2 (attributes defaulted)
      assertThat(ByteBuffer.wrap(bytes, 1, 4).getInt()).isEqualTo(v2Id);
      assertThat(reader.deserializer().deserialize(topic, bytes).getAttributes()).isEmpty();
      assertThat(client().getVersions(topic + "-value")).containsExactly(1);
    }
  }

  @Test
  void shouldRefuseToWriteAnUnregisteredSchemaWhenAutoRegisterIsOff() {
    String topic = freshTopic();
    try (Serde<ScanEvent> serde = AvroSerdes.specific(ScanEvent.class,
        config(SchemaRegistryConfig.AUTO_REGISTER_SCHEMAS, "false"), false)) {
      assertThatThrownBy(() -> serde.serializer().serialize(topic, SampleScans.scan(1)))
          .isInstanceOf(SerializationException.class)
          .hasMessageContaining("Could not look up schema io.neurostream.avro.ScanEvent under"
              + " subject '" + topic + "-value'")
          .hasMessageContaining("40401")
          .hasMessageContaining("auto.register.schemas=true");
    }
  }

  @Test
  void shouldRefuseAnIncompatibleSchemaWithTheRegistrysReason() {
    // given: ScanEvent registered under the subject
    String topic = freshTopic();
    client().register(topic + "-value", ScanEvent.getClassSchema());
    // when: a record of an unrelated schema is written to the same topic
    Prediction prediction = Prediction.newBuilder()
        .setIdentity(SampleScans.scan(1).getIdentity())
        .setPredicted(DementiaStage.values()[0])
        .setProbabilities(List.of(0.7f, 0.1f, 0.1f, 0.1f))
        .setModelVersion("m1")
        .setScanTimestamp(Instant.ofEpochMilli(1))
        .setPredictedAt(Instant.ofEpochMilli(2))
        .setBatchSize(1)
        .build();
    try (Serde<Prediction> serde = AvroSerdes.specific(Prediction.class, config(), false)) {
      assertThatThrownBy(() -> serde.serializer().serialize(topic, prediction))
          .isInstanceOf(SerializationException.class)
          .hasMessageContaining("HTTP 409")
          .hasMessageContaining("incompatible")
          .hasMessageContaining("give new fields defaults");
    }
  }

  @Test
  void shouldExplainAWrongMagicByte() {
    try (Serde<ScanEvent> serde = AvroSerdes.specific(ScanEvent.class, config(), false)) {
      assertThatThrownBy(() -> serde.deserializer().deserialize("mri.scans",
          "{\"json\":true}".getBytes()))
          .isInstanceOf(SerializationException.class)
          .hasMessageStartingWith("Unknown magic byte 0x7b at offset 0; expected 0x00 (Confluent"
              + " wire format).")
          .hasMessageContaining("Is the producer using the schema registry serializer?")
          .hasMessageContaining("on topic 'mri.scans' (value)");
    }
  }

  @Test
  void shouldExplainEmptyAndTruncatedHeaders() {
    try (Serde<ScanEvent> serde = AvroSerdes.specific(ScanEvent.class, config(), false)) {
      assertThatThrownBy(() -> serde.deserializer().deserialize("t", new byte[0]))
          .isInstanceOf(SerializationException.class)
          .hasMessageContaining("Empty payload (0 bytes)");
      assertThatThrownBy(() -> serde.deserializer().deserialize("t", new byte[] {0, 0, 1}))
          .isInstanceOf(SerializationException.class)
          .hasMessageContaining("Truncated payload: 3 bytes")
          .hasMessageContaining("header alone needs 5");
    }
  }

  @Test
  void shouldExplainAnUnknownSchemaId() {
    try (Serde<ScanEvent> serde = AvroSerdes.specific(ScanEvent.class, config(), false)) {
      byte[] bytes = WireFormat.frame(987_654, new byte[] {2, 'a'});
      assertThatThrownBy(() -> serde.deserializer().deserialize("t", bytes))
          .isInstanceOf(SerializationException.class)
          .hasMessageContaining("Unknown schema id 987654")
          .hasMessageContaining("40403")
          .hasMessageContaining(registry.url());
    }
  }

  @Test
  void shouldExplainATruncatedAvroBody() {
    String topic = freshTopic();
    try (Serde<ScanEvent> serde = AvroSerdes.specific(ScanEvent.class, config(), false)) {
      byte[] bytes = serde.serializer().serialize(topic, SampleScans.scan(9));
      byte[] truncated = Arrays.copyOf(bytes, bytes.length - 10);
      assertThatThrownBy(() -> serde.deserializer().deserialize(topic, truncated))
          .isInstanceOf(SerializationException.class)
          .hasMessageContaining("Malformed Avro body for schema id")
          .hasMessageContaining("io.neurostream.avro.ScanEvent")
          .hasMessageContaining("remain");
    }
  }

  @Test
  void shouldExplainTrailingBytes() {
    String topic = freshTopic();
    try (Serde<ScanEvent> serde = AvroSerdes.specific(ScanEvent.class, config(), false)) {
      byte[] bytes = serde.serializer().serialize(topic, SampleScans.scan(9));
      byte[] longer = Arrays.copyOf(bytes, bytes.length + 3);
      assertThatThrownBy(() -> serde.deserializer().deserialize(topic, longer))
          .isInstanceOf(SerializationException.class)
          .hasMessageContaining("3 trailing bytes after the record");
    }
  }

  @Test
  void shouldRefuseAHugeLengthWithoutAllocatingIt() {
    String topic = freshTopic();
    Schema schema = new Schema.Parser().parse(
        "{\"type\":\"record\",\"name\":\"Blob\",\"fields\":[{\"name\":\"b\",\"type\":\"bytes\"}]}");
    int id = client().register(topic + "-value", schema);
    // zig-zag varint for 2^40: a length no payload of 8 bytes can hold
    byte[] body = {(byte) 0x80, (byte) 0x80, (byte) 0x80, (byte) 0x80, (byte) 0x80, 0x40, 1, 2};
    try (Serde<GenericRecord> serde = AvroSerdes.generic(config(), false)) {
      assertThatThrownBy(() -> serde.deserializer().deserialize(topic, WireFormat.frame(id, body)))
          .isInstanceOf(SerializationException.class)
          .hasMessageContaining("bytes length 1099511627776 exceeds the 2 bytes that remain");
    }
  }

  @Test
  void shouldRefuseAnArrayOfNullsLongerThanThePayloadCouldMean() {
    String topic = freshTopic();
    Schema schema = new Schema.Parser().parse("{\"type\":\"record\",\"name\":\"Nulls\",\"fields\":"
        + "[{\"name\":\"n\",\"type\":{\"type\":\"array\",\"items\":\"null\"}}]}");
    int id = client().register(topic + "-value", schema);
    // one block claiming 2^31 null items, which take no bytes: Avro alone would loop for ages
    byte[] body = {(byte) 0x80, (byte) 0x80, (byte) 0x80, (byte) 0x80, 0x10, 0};
    try (Serde<GenericRecord> serde = AvroSerdes.generic(config(), false)) {
      assertThatThrownBy(() -> serde.deserializer().deserialize(topic, WireFormat.frame(id, body)))
          .isInstanceOf(SerializationException.class)
          .hasMessageContaining("array block of 2147483648 items is more than a payload of 6 bytes"
              + " can hold");
    }
  }

  @Test
  void shouldExplainRecordsOfAnotherTypeOnTheTopic() {
    // given: a Prediction written to a topic a ScanEvent consumer reads
    String topic = freshTopic();
    int predictionId = client().register("other-value", Prediction.getClassSchema());
    byte[] bytes = WireFormat.frame(predictionId, new byte[] {1, 2, 3});
    try (Serde<ScanEvent> serde = AvroSerdes.specific(ScanEvent.class, config(), false)) {
      assertThatThrownBy(() -> serde.deserializer().deserialize(topic, bytes))
          .isInstanceOf(SerializationException.class)
          .hasMessageContaining("Records written with schema id " + predictionId
              + " (io.neurostream.avro.Prediction) cannot be read as io.neurostream.avro.ScanEvent");
    }
  }

  @Test
  void shouldExplainAnUnreachableRegistry() {
    Map<String, Object> config = config(SchemaRegistryConfig.URL, "http://127.0.0.1:1",
        SchemaRegistryConfig.MAX_RETRIES, 1, SchemaRegistryConfig.RETRIES_WAIT_MS, 1);
    try (Serde<ScanEvent> serde = AvroSerdes.specific(ScanEvent.class, config, false)) {
      assertThatThrownBy(() -> serde.serializer().serialize("t", SampleScans.scan(1)))
          .isInstanceOf(SerializationException.class)
          .hasMessageContaining("did not answer POST /subjects/t-value/versions")
          .hasMessageContaining("gave up after 2 attempts");
    }
  }

  private static GenericRecord asGeneric(ScanEvent scan) {
    // the generic view of a specific record, as a v1 producer would have built it
    GenericRecord record = new GenericData.Record(ScanEvent.getClassSchema());
    for (Schema.Field field : ScanEvent.getClassSchema().getFields()) {
      Object value = scan.get(field.pos());
      if (value instanceof Instant instant) {
        value = instant.toEpochMilli();
      } else if (value instanceof ScanIdentity identity) {
        GenericRecord id = new GenericData.Record(ScanIdentity.getClassSchema());
        ScanIdentity.getClassSchema().getFields().forEach(f -> id.put(f.pos(), identity.get(f.pos())));
        value = id;
      } else if (value instanceof Enum<?> symbol) {
        value = new GenericData.EnumSymbol(field.schema(), symbol.name());
      }
      record.put(field.pos(), value);
    }
    return record;
  }
}
