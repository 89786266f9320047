package io.neurostream.serde;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.avro.Schema;
import org.apache.avro.SchemaCompatibility;
import org.apache.avro.generic.GenericContainer;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericDatumReader;
import org.apache.avro.generic.GenericDatumWriter;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.DatumWriter;
import org.apache.avro.io.DecoderFactory;
import org.apache.avro.io.EncoderFactory;
import org.apache.avro.specific.SpecificData;
import org.apache.avro.specific.SpecificDatumWriter;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.serialization.Serializer;

/**
 * Writes Avro records (generated SpecificRecords or GenericRecords) in the Confluent wire format,
 * byte for byte as Confluent's {@code KafkaAvroSerializer} does: the schema is registered (or looked
 * up) under the TopicNameStrategy subject {@code <topic>-value} or {@code <topic>-key} in its
 * canonical text {@code Schema.toString()}, then magic byte, id and Avro binary follow.
 *
 * <p>The schema registered or looked up is the record's schema without the Java-only properties
 * Avro's code generator adds ({@code avro.java.string}), i.e. exactly the contract of
 * {@code schemas/*.avsc}, as Confluent's serializer does with
 * {@code avro.remove.java.properties=true} (our default; see {@link JavaProperties}). So a subject
 * registered by CI from the contracts is found by Java producers running with
 * {@code auto.register.schemas=false}.
 *
 * <p>Subject choice follows Confluent: {@code auto.register.schemas} (default) registers the
 * record's schema; otherwise {@code use.latest.version} writes with the subject's latest schema;
 * otherwise the record's schema must already be registered. Every failure is a
 * {@link SerializationException} naming the topic, the subject and the cause.
 *
 * @param <T> the record type
 */
public class AvroSerializer<T extends GenericContainer> implements Serializer<T> {

  private SerdeBinding binding = SerdeBinding.UNCONFIGURED;
  private final Map<Schema, DatumWriter<Object>> specificWriters = new ConcurrentHashMap<>();
  private final Map<Schema, DatumWriter<Object>> genericWriters = new ConcurrentHashMap<>();
  private final Map<String, CachedLatest> latestBySubject = new ConcurrentHashMap<>();

  private record CachedLatest(RegisteredSchema schema, long fetchedAtNanos) {}

  /** For Kafka's class-name configuration; {@link #configure} must be called before use. */
  public AvroSerializer() {}

  /** A ready serializer over a shared client. */
  public AvroSerializer(SchemaRegistryClient client, SchemaRegistryConfig config, boolean isKey) {
    this.binding = SerdeBinding.shared(client, config, isKey);
  }

  @Override
  public void configure(Map<String, ?> configs, boolean isKey) {
    binding = binding.configure(configs, isKey);
  }

  @Override
  public byte[] serialize(String topic, T record) {
    if (record == null) {
      return null;
    }
    binding.requireConfigured("AvroSerializer");
    String subject = Subjects.topicName(topic, binding.isKey());
    // the contract as schemas/*.avsc has it: generated classes add Java-only properties
    Schema schema = binding.config().removeJavaProperties()
        ? JavaProperties.strip(record.getSchema()) : record.getSchema();
    Object datum = record;
    Schema writeSchema = record.getSchema();
    int id;
    try {
      if (binding.config().autoRegisterSchemas()) {
        id = binding.client().register(subject, schema);
      } else if (binding.config().useLatestVersion()) {
        RegisteredSchema latest = latest(subject);
        id = latest.id();
        if (!latest.schema().equals(schema) && !latest.schema().equals(record.getSchema())) {
          datum = toLatest(record, latest, subject);
          writeSchema = latest.schema();
        }
      } else {
        id = binding.client().getId(subject, schema);
      }
    } catch (SchemaRegistryException e) {
      throw new SerializationException(registryFailure(e, subject, schema), e);
    }
    return encode(topic, id, writeSchema, datum);
  }

  private String registryFailure(SchemaRegistryException e, String subject, Schema schema) {
    String action = binding.config().autoRegisterSchemas() ? "register" : "look up";
    String hint = "";
    if (e.errorCode() == SchemaRegistryException.INCOMPATIBLE_SCHEMA) {
      hint = "; the change breaks the subject's compatibility level: give new fields defaults,"
          + " or change the level with PUT /config/" + subject;
    } else if (e.isNotFound() && !binding.config().autoRegisterSchemas()) {
      hint = "; register it first, or set " + SchemaRegistryConfig.AUTO_REGISTER_SCHEMAS + "=true";
    }
    return "Could not " + action + " schema " + schema.getFullName() + " under subject '"
        + subject + "': " + e.getMessage() + hint;
  }

  private RegisteredSchema latest(String subject) {
    CachedLatest cached = latestBySubject.get(subject);
    long now = System.nanoTime();
    if (cached != null && binding.config().latestCacheTtl()
        .map(ttl -> now - cached.fetchedAtNanos() < ttl.toNanos()).orElse(true)) {
      return cached.schema();
    }
    RegisteredSchema latest = binding.client().getLatest(subject);
    latestBySubject.put(subject, new CachedLatest(latest, now));
    return latest;
  }

  /** Re-expresses a record in the subject's latest schema through Avro schema resolution. */
  private Object toLatest(T record, RegisteredSchema latest, String subject) {
    Schema own = record.getSchema();
    if (binding.config().latestCompatibilityStrict()) {
      var result = SchemaCompatibility.checkReaderWriterCompatibility(latest.schema(), own);
      if (result.getType() != SchemaCompatibility.SchemaCompatibilityType.COMPATIBLE) {
        throw new SerializationException("The latest schema of subject '" + subject + "' (id "
            + latest.id() + ", version " + latest.version() + ") cannot read records of "
            + own.getFullName() + " as this producer writes them: "
            + result.getResult().getIncompatibilities() + "; update the producer's schema, or set "
            + SchemaRegistryConfig.LATEST_COMPATIBILITY_STRICT + "=false");
      }
    }
    try {
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      BinaryEncoder encoder = EncoderFactory.get().binaryEncoder(out, null);
      writer(own, record).write(record, encoder);
      encoder.flush();
      return new GenericDatumReader<Object>(own, latest.schema(), GenericData.get())
          .read(null, DecoderFactory.get().binaryDecoder(out.toByteArray(), null));
    } catch (IOException | RuntimeException e) {
      throw new SerializationException("Could not convert a " + own.getFullName()
          + " record to the latest schema of subject '" + subject + "' (id " + latest.id()
          + "): " + e, e);
    }
  }

  private byte[] encode(String topic, int id, Schema schema, Object datum) {
    try {
      ByteArrayOutputStream out = new ByteArrayOutputStream(256);
      out.write(WireFormat.MAGIC_BYTE);
      out.write(id >>> 24);
      out.write(id >>> 16);
      out.write(id >>> 8);
      out.write(id);
      BinaryEncoder encoder = EncoderFactory.get().binaryEncoder(out, null);
      writer(schema, datum).write(datum, encoder);
      encoder.flush();
      return out.toByteArray();
    } catch (IOException | RuntimeException e) {
      throw new SerializationException("Could not encode a " + schema.getFullName()
          + " record for topic '" + topic + "' with schema id " + id + ": " + e
          + " (a required field is probably null or of the wrong type)", e);
    }
  }

  @SuppressWarnings("unchecked")
  private DatumWriter<Object> writer(Schema schema, Object datum) {
    if (datum instanceof SpecificRecord specific) {
      Class<?> type = specific.getClass();
      return specificWriters.computeIfAbsent(schema,
          s -> (DatumWriter<Object>) (DatumWriter<?>) new SpecificDatumWriter<>(s,
              SpecificData.getForClass(type)));
    }
    return genericWriters.computeIfAbsent(schema, s -> new GenericDatumWriter<>(s, GenericData.get()));
  }

  @Override
  public void close() {
    binding.close();
  }
}
