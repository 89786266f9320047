package io.neurostream.platform.registry;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.apache.avro.Schema;
import org.apache.avro.SchemaCompatibility;
import org.apache.avro.SchemaCompatibility.Incompatibility;
import org.apache.avro.SchemaCompatibility.SchemaPairCompatibility;

/**
 * Confluent's compatibility levels. BACKWARD (the default): consumers on the new schema can read
 * data written with the previous one. FORWARD: consumers on the previous schema can read data
 * written with the new one. FULL: both. The {@code _TRANSITIVE} forms check every live version,
 * not just the latest. NONE checks nothing.
 */
public enum CompatibilityLevel {
  NONE(false, false, false),
  BACKWARD(true, false, false),
  BACKWARD_TRANSITIVE(true, false, true),
  FORWARD(false, true, false),
  FORWARD_TRANSITIVE(false, true, true),
  FULL(true, true, false),
  FULL_TRANSITIVE(true, true, true);

  private final boolean backward;
  private final boolean forward;
  private final boolean transitive;

  CompatibilityLevel(boolean backward, boolean forward, boolean transitive) {
    this.backward = backward;
    this.forward = forward;
    this.transitive = transitive;
  }

  /** Parses a level as Confluent's API spells it (any case), or throws 42203. */
  static CompatibilityLevel parse(String value) {
    if (value != null) {
      try {
        return valueOf(value.trim().toUpperCase(Locale.ROOT));
      } catch (IllegalArgumentException unknown) {
        // fall through to Confluent's error
      }
    }
    throw new RegistryException(422, RegistryException.INVALID_COMPATIBILITY_LEVEL,
        "Invalid compatibility level. Valid values are none, backward, forward, full,"
            + " backward_transitive, forward_transitive, and full_transitive");
  }

  /**
   * Checks {@code candidate} against the live versions of a subject (oldest first) and returns
   * what breaks; empty means compatible.
   */
  List<String> check(Schema candidate, List<Schema> liveVersionsOldestFirst) {
    if (this == NONE || liveVersionsOldestFirst.isEmpty()) {
      return List.of();
    }
    List<Schema> against = transitive
        ? liveVersionsOldestFirst
        : List.of(liveVersionsOldestFirst.get(liveVersionsOldestFirst.size() - 1));
    List<String> problems = new ArrayList<>();
    for (Schema existing : against) {
      if (backward) {
        describe(SchemaCompatibility.checkReaderWriterCompatibility(candidate, existing),
            "new schema cannot read data written with an earlier one", problems);
      }
      if (forward) {
        describe(SchemaCompatibility.checkReaderWriterCompatibility(existing, candidate),
            "an earlier schema cannot read data written with the new one", problems);
      }
    }
    return problems;
  }

  private static void describe(SchemaPairCompatibility result, String direction,
      List<String> problems) {
    for (Incompatibility incompatibility : result.getResult().getIncompatibilities()) {
      problems.add("{errorType:'" + incompatibility.getType() + "', description:'" + direction
          + ": " + incompatibility.getMessage() + "', location:'" + incompatibility.getLocation()
          + "'}");
    }
  }
}
