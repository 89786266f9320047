package io.neurostream.serde;

import org.apache.avro.Schema;

/**
 * One version of a subject in the registry: the subject, its version number, the schema's global
 * id and the schema itself.
 */
public record RegisteredSchema(String subject, int version, int id, Schema schema) {}
