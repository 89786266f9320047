package io.neurostream.platform.registry;

/**
 * One durable fact of the registry, as kept in its log (the {@code _schemas} topic): a schema
 * version under a subject, or a compatibility setting. Replaying the log in order rebuilds the
 * registry, which is how ids survive a restart.
 */
sealed interface RegistryRecord {

  /**
   * Version {@code version} of {@code subject} is the schema with global id {@code id};
   * {@code deleted} marks a soft delete.
   */
  record SchemaVersion(String subject, int version, int id, String schema, boolean deleted)
      implements RegistryRecord {}

  /**
   * The compatibility level of {@code subject}, or the global one when {@code subject} is null;
   * a null {@code level} removes a subject's own setting.
   */
  record Config(String subject, CompatibilityLevel level) implements RegistryRecord {}
}
