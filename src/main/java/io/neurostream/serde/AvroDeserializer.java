package io.neurostream.serde;

import java.io.IOException;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.avro.Schema;
import org.apache.avro.SchemaCompatibility;
import org.apache.avro.SchemaCompatibility.SchemaPairCompatibility;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericDatumReader;
import org.apache.avro.io.DatumReader;
import org.apache.avro.specific.SpecificData;
import org.apache.avro.specific.SpecificDatumReader;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.serialization.Deserializer;

/**
 * Reads records in the Confluent wire format. The writer's schema is fetched by the id in the
 * header (and cached); a specific reader then resolves it against the generated class's schema, so
 * a consumer built against v2 reads v1 data (fields added with defaults get their defaults). A
 * generic reader returns records in the writer's schema, or generated classes when
 * {@code specific.avro.reader=true} and the class is on the class path.
 *
 * <p>Whatever the bytes, the only exception is {@link SerializationException}, with a message that
 * says what was wrong: wrong magic byte, truncated header, unknown schema id, a writer schema the
 * reader cannot resolve, or an Avro body that is truncated, too long or garbage (lengths are checked
 * before anything is allocated, see {@link BoundedBinaryDecoder}). {@code null} reads as
 * {@code null} (a tombstone).
 *
 * @param <T> the record type: a generated SpecificRecord class, or GenericRecord
 */
public class AvroDeserializer<T> implements Deserializer<T> {

  private SerdeBinding binding = SerdeBinding.UNCONFIGURED;
  private final Class<? extends SpecificRecord> specificType;
  private final Map<Integer, DatumReader<T>> readersById = new ConcurrentHashMap<>();

  /** A generic deserializer for Kafka's class-name configuration; call {@link #configure}. */
  public AvroDeserializer() {
    this.specificType = null;
  }

  /**
   * A ready deserializer over a shared client.
   *
   * @param specificType the generated class to read into, or {@code null} for GenericRecords
   */
  public AvroDeserializer(SchemaRegistryClient client, SchemaRegistryConfig config, boolean isKey,
      Class<? extends SpecificRecord> specificType) {
    this.binding = SerdeBinding.shared(client, config, isKey);
    this.specificType = specificType;
  }

  @Override
  public void configure(Map<String, ?> configs, boolean isKey) {
    binding = binding.configure(configs, isKey);
    readersById.clear();
  }

  @Override
  public T deserialize(String topic, byte[] data) {
    if (data == null) {
      return null;
    }
    binding.requireConfigured("AvroDeserializer");
    int id;
    try {
      id = WireFormat.schemaId(data);
    } catch (SerializationException e) {
      throw new SerializationException(e.getMessage() + " [" + where(topic) + "]");
    }
    DatumReader<T> reader = readerFor(id, topic);
    BoundedBinaryDecoder decoder =
        new BoundedBinaryDecoder(data, WireFormat.HEADER_SIZE, data.length - WireFormat.HEADER_SIZE);
    T value;
    try {
      value = reader.read(null, decoder);
    } catch (IOException | RuntimeException | StackOverflowError | OutOfMemoryError e) {
      // Avro signals a bad body with many types (EOF, AvroTypeException, index errors, and for
      // absurd nesting a StackOverflowError); all of them mean the same thing to the caller.
      throw new SerializationException("Malformed Avro body for schema id " + id + " ("
          + writerName(id) + ", " + (data.length - WireFormat.HEADER_SIZE) + " bytes) "
          + where(topic) + ": " + describe(e, decoder), e instanceof Error ? null : e);
    }
    if (decoder.remaining() > 0) {
      throw new SerializationException("Malformed Avro body for schema id " + id + " ("
          + writerName(id) + ") " + where(topic) + ": " + decoder.remaining()
          + " trailing bytes after the record ended at byte " + decoder.offset()
          + "; the payload was not written with this schema");
    }
    return value;
  }

  private String where(String topic) {
    return "on topic '" + topic + "' (" + (binding.isKey() ? "key" : "value") + ")";
  }

  private static String describe(Throwable e, BoundedBinaryDecoder decoder) {
    if (e instanceof MalformedPayloadException) {
      return e.getMessage();
    }
    String message = e.getMessage();
    if (e instanceof OutOfMemoryError || e instanceof StackOverflowError) {
      message = "decoding needed absurd resources (" + e.getClass().getSimpleName() + ")";
    } else {
      message = e.getClass().getSimpleName() + (message == null ? "" : ": " + message);
    }
    return message + " (at byte " + decoder.offset() + " of the Avro body)";
  }

  private String writerName(int id) {
    try {
      return binding.client().getSchemaById(id).getFullName();
    } catch (RuntimeException e) {
      return "unknown";
    }
  }

  private DatumReader<T> readerFor(int id, String topic) {
    DatumReader<T> cached = readersById.get(id);
    if (cached != null) {
      return cached;
    }
    Schema writer;
    try {
      writer = binding.client().getSchemaById(id);
    } catch (SchemaRegistryException e) {
      if (e.isNotFound()) {
        throw new SerializationException("Unknown schema id " + id + " " + where(topic)
            + ": the registry at " + binding.config().urlList()
            + " has no such schema (error_code " + e.errorCode() + "). Was the record produced"
            + " against another schema registry, or is the payload corrupt?", e);
      }
      throw new SerializationException("Could not fetch the writer schema id " + id + " "
          + where(topic) + ": " + e.getMessage(), e);
    }
    DatumReader<T> reader = newReader(id, writer);
    DatumReader<T> raced = readersById.putIfAbsent(id, reader);
    return raced != null ? raced : reader;
  }

  @SuppressWarnings("unchecked")
  private DatumReader<T> newReader(int id, Schema writer) {
    Class<?> target = specificType;
    if (target == null && binding.config().specificAvroReader()) {
      target = SpecificData.get().getClass(writer);
    }
    if (target == null || !SpecificRecord.class.isAssignableFrom(target)) {
      return new GenericDatumReader<>(writer, writer, GenericData.get());
    }
    SpecificData model = SpecificData.getForClass(target);
    Schema readerSchema = model.getSchema(target);
    SchemaPairCompatibility compatibility =
        SchemaCompatibility.checkReaderWriterCompatibility(readerSchema, writer);
    if (compatibility.getType() != SchemaCompatibility.SchemaCompatibilityType.COMPATIBLE) {
      throw new SerializationException("Records written with schema id " + id + " ("
          + writer.getFullName() + ") cannot be read as " + readerSchema.getFullName() + ": "
          + compatibility.getResult().getIncompatibilities().stream()
              .map(i -> i.getMessage() + " at " + i.getLocation()).toList()
          + ". Is this the right topic, or does the reader's schema need a default?");
    }
    return (DatumReader<T>) new SpecificDatumReader<>(writer, readerSchema, model);
  }

  @Override
  public void close() {
    binding.close();
  }
}
