package io.neurostream.serde;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.avro.Schema;

/**
 * Removes the Java-only properties that Avro's code generator writes into a generated class's
 * schema ({@code "avro.java.string": "String"} on every string with {@code stringType=String}),
 * giving back the schema of the contract in {@code schemas/*.avsc}. The registry compares schemas
 * by their canonical text, so without this a Java producer would register a second version of
 * every subject, and with {@code auto.register.schemas=false} would not find the contract that CI
 * registered (40403). Confluent's serializers do the same with {@code avro.remove.java.properties}.
 *
 * <p>Results are cached per schema; the schema of a generated class is one object, so the cache
 * holds one entry per record type.
 */
public final class JavaProperties {

  /** The property Avro's generator adds to strings; the only Java property it writes. */
  public static final String JAVA_STRING = "avro.java.string";
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Map<Schema, Schema> STRIPPED = new ConcurrentHashMap<>();

  private JavaProperties() {}

  /** {@code schema} without any {@code avro.java.*} property, anywhere in it. */
  public static Schema strip(Schema schema) {
    return STRIPPED.computeIfAbsent(schema, JavaProperties::parseStripped);
  }

  private static Schema parseStripped(Schema schema) {
    String text = schema.toString();
    if (!text.contains("\"avro.java.")) {
      return schema;
    }
    try {
      JsonNode tree = JSON.readTree(text);
      remove(tree);
      return new Schema.Parser().parse(JSON.writeValueAsString(tree));
    } catch (IOException e) {
      throw new UncheckedIOException("could not re-read the schema of " + schema.getFullName(), e);
    }
  }

  private static void remove(JsonNode node) {
    if (node instanceof ObjectNode object) {
      object.properties().removeIf(e -> e.getKey().startsWith("avro.java."));
    }
    node.forEach(JavaProperties::remove);
  }
}
