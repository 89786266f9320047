package io.neurostream.platform.registry;

import java.util.List;

/** Where the registry keeps its records: appended durably, read back in order on start. */
interface RegistryLog extends AutoCloseable {

  /** Every record written so far, oldest first. */
  List<RegistryRecord> readAll();

  /** Durably appends one record; returns only once it is stored. */
  void append(RegistryRecord record);

  /** Where the records live, for messages. */
  String describe();

  @Override
  void close();

  /** A log that keeps nothing: for unit tests, where a restart need not keep ids. */
  static RegistryLog inMemory() {
    return new RegistryLog() {
      @Override
      public List<RegistryRecord> readAll() {
        return List.of();
      }

      @Override
      public void append(RegistryRecord record) {}

      @Override
      public String describe() {
        return "memory";
      }

      @Override
      public void close() {}
    };
  }
}
