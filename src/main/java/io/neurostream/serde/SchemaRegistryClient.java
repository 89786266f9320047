package io.neurostream.serde;

import java.util.List;
import org.apache.avro.Schema;

/**
 * What the serdes need from a Confluent-compatible schema registry: register a schema under a
 * subject, find a schema by its global id, and look up versions. Implementations cache what never
 * changes (ids and schemas) and throw {@link SchemaRegistryException} when the registry answers
 * with an error or cannot be reached.
 */
public interface SchemaRegistryClient extends AutoCloseable {

  /**
   * Registers {@code schema} under {@code subject} (or finds it there) and returns its global id.
   * Registering the same schema again returns the same id.
   */
  int register(String subject, Schema schema);

  /** Returns the id of {@code schema} under {@code subject} without registering it. */
  int getId(String subject, Schema schema);

  /** Returns the schema with the given global id. */
  Schema getSchemaById(int id);

  /** Returns the newest live version registered under {@code subject}. */
  RegisteredSchema getLatest(String subject);

  /** Returns one version of {@code subject}. */
  RegisteredSchema getVersion(String subject, int version);

  /** Returns every live subject. */
  List<String> getSubjects();

  /** Returns the live version numbers of {@code subject}, oldest first. */
  List<Integer> getVersions(String subject);

  /** Whether {@code schema} could be registered under {@code subject} at its compatibility level. */
  boolean isCompatible(String subject, Schema schema);

  /** Releases connections; the default does nothing. */
  @Override
  default void close() {}
}
