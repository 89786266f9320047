package io.neurostream.serde;

import java.util.Map;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;

/**
 * Kafka {@link Serde}s for Avro records in the Confluent Schema Registry wire format, configured
 * with Confluent's property names ({@code schema.registry.url}, {@code auto.register.schemas},
 * {@code use.latest.version}, {@code basic.auth.*}, {@code schema.registry.ssl.*}, ...; see
 * {@link SchemaRegistryConfig}). The returned serdes are ready to use; Kafka Streams need not
 * configure them.
 */
public final class AvroSerdes {

  private AvroSerdes() {}

  /** A serde for a generated record class; reads resolve the writer's schema to {@code type}'s. */
  public static <T extends SpecificRecord> Serde<T> specific(Class<T> type, Map<String, ?> config,
      boolean isKey) {
    SchemaRegistryConfig settings = SchemaRegistryConfig.from(config);
    return specific(type, new RestSchemaRegistryClient(settings), settings, isKey);
  }

  /** A serde for a generated record class over a client shared with other serdes. */
  public static <T extends SpecificRecord> Serde<T> specific(Class<T> type,
      SchemaRegistryClient client, SchemaRegistryConfig config, boolean isKey) {
    return Serdes.serdeFrom(new AvroSerializer<>(client, config, isKey),
        new AvroDeserializer<>(client, config, isKey, type));
  }

  /** A serde for GenericRecords (generated classes instead if {@code specific.avro.reader=true}). */
  public static Serde<GenericRecord> generic(Map<String, ?> config, boolean isKey) {
    SchemaRegistryConfig settings = SchemaRegistryConfig.from(config);
    return generic(new RestSchemaRegistryClient(settings), settings, isKey);
  }

  /** A GenericRecord serde over a client shared with other serdes. */
  public static Serde<GenericRecord> generic(SchemaRegistryClient client,
      SchemaRegistryConfig config, boolean isKey) {
    return Serdes.serdeFrom(new AvroSerializer<>(client, config, isKey),
        new AvroDeserializer<>(client, config, isKey, null));
  }
}
