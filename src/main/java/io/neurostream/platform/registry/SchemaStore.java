package io.neurostream.platform.registry;

import io.neurostream.platform.registry.RegistryRecord.Config;
import io.neurostream.platform.registry.RegistryRecord.SchemaVersion;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import org.apache.avro.Schema;
import org.apache.avro.SchemaParseException;

/**
 * The registry's state and rules: subjects and their versions, global schema ids, compatibility
 * levels. Follows Confluent's semantics: a schema is identified by its canonical text
 * ({@code Schema.toString()} of the parsed schema, so whitespace and key order do not matter), the
 * same schema gets the same global id under every subject, ids only grow, a schema already live
 * under a subject is returned without a compatibility check, and anything new is checked against
 * the subject's level (BACKWARD unless set).
 *
 * <p>Every change is appended to the {@link RegistryLog} before it is applied, and all methods are
 * synchronized, so concurrent registrations of one schema get one id and never two ids collide.
 */
final class SchemaStore {

  /** A live (or, when asked, deleted) version as the API returns it. */
  record Version(String subject, int version, int id, String schema) {}

  private final RegistryLog log;
  private final Map<String, TreeMap<Integer, SchemaVersion>> subjects = new TreeMap<>();
  private final Map<Integer, String> schemaById = new HashMap<>();
  private final Map<String, Integer> idBySchema = new HashMap<>();
  private final Map<String, CompatibilityLevel> subjectLevels = new HashMap<>();
  private CompatibilityLevel globalLevel = CompatibilityLevel.BACKWARD;
  private int maxId;

  /** Rebuilds the state from everything in {@code log}. */
  SchemaStore(RegistryLog log) {
    this.log = log;
    for (RegistryRecord record : log.readAll()) {
      apply(record);
    }
  }

  private void apply(RegistryRecord record) {
    if (record instanceof SchemaVersion v) {
      subjects.computeIfAbsent(v.subject(), unused -> new TreeMap<>()).put(v.version(), v);
      schemaById.putIfAbsent(v.id(), v.schema());
      idBySchema.putIfAbsent(v.schema(), v.id());
      maxId = Math.max(maxId, v.id());
    } else if (record instanceof Config c) {
      if (c.subject() == null) {
        globalLevel = c.level() == null ? CompatibilityLevel.BACKWARD : c.level();
      } else if (c.level() == null) {
        subjectLevels.remove(c.subject());
      } else {
        subjectLevels.put(c.subject(), c.level());
      }
    }
  }

  private void persist(RegistryRecord record) {
    try {
      log.append(record);
    } catch (RuntimeException e) {
      throw new RegistryException(500, RegistryException.STORE_ERROR,
          "Error while storing to " + log.describe() + ": " + e.getMessage(), e);
    }
    apply(record);
  }

  /** Parses and canonicalizes a schema, or throws Confluent's 42201. */
  static Schema parse(String schemaText) {
    if (schemaText == null || schemaText.isBlank()) {
      throw new RegistryException(422, RegistryException.INVALID_SCHEMA,
          "Invalid schema: the request has no 'schema' text");
    }
    try {
      return new Schema.Parser().parse(schemaText);
    } catch (SchemaParseException | NullPointerException | IllegalArgumentException e) {
      throw new RegistryException(422, RegistryException.INVALID_SCHEMA,
          "Invalid schema " + abbreviate(schemaText) + ", details: " + e.getMessage());
    }
  }

  /** Registers a schema under a subject (or finds it there) and returns its global id. */
  synchronized int register(String subject, String schemaText) {
    Schema schema = parse(schemaText);
    String canonical = schema.toString();
    TreeMap<Integer, SchemaVersion> versions = subjects.getOrDefault(subject, new TreeMap<>());
    for (SchemaVersion v : versions.values()) {
      if (!v.deleted() && v.schema().equals(canonical)) {
        return v.id();
      }
    }
    List<String> problems = levelOf(subject).check(schema, liveSchemas(subject));
    if (!problems.isEmpty()) {
      throw new RegistryException(409, RegistryException.INCOMPATIBLE_SCHEMA,
          "Schema being registered is incompatible with an earlier schema for subject \""
              + subject + "\", details: " + problems);
    }
    int id = idBySchema.getOrDefault(canonical, maxId + 1);
    int version = versions.isEmpty() ? 1 : versions.lastKey() + 1;
    persist(new SchemaVersion(subject, version, id, canonical, false));
    return id;
  }

  /** The live version of {@code subject} holding this schema. */
  synchronized Version lookup(String subject, String schemaText, boolean includeDeleted) {
    Schema schema = parse(schemaText);
    String canonical = schema.toString();
    TreeMap<Integer, SchemaVersion> versions = subjects.get(subject);
    if (versions == null || (!includeDeleted && live(versions).isEmpty())) {
      throw RegistryException.subjectNotFound(subject);
    }
    for (SchemaVersion v : versions.descendingMap().values()) {
      if ((includeDeleted || !v.deleted()) && v.schema().equals(canonical)) {
        return toVersion(v);
      }
    }
    throw RegistryException.schemaNotFound("Schema not found");
  }

  synchronized List<String> subjects(boolean includeDeleted) {
    List<String> names = new ArrayList<>();
    subjects.forEach((name, versions) -> {
      if (includeDeleted || !live(versions).isEmpty()) {
        names.add(name);
      }
    });
    return names;
  }

  synchronized List<Integer> versions(String subject, boolean includeDeleted) {
    TreeMap<Integer, SchemaVersion> versions = existing(subject, includeDeleted);
    return versions.values().stream()
        .filter(v -> includeDeleted || !v.deleted())
        .map(SchemaVersion::version)
        .toList();
  }

  /** A version by number, or the latest live one for "latest" / -1. */
  synchronized Version version(String subject, String versionId, boolean includeDeleted) {
    TreeMap<Integer, SchemaVersion> versions = existing(subject, includeDeleted);
    int number = parseVersion(versionId);
    if (number == -1) {
      List<SchemaVersion> live = live(versions);
      if (live.isEmpty()) {
        throw RegistryException.subjectNotFound(subject);
      }
      return toVersion(live.get(live.size() - 1));
    }
    SchemaVersion v = versions.get(number);
    if (v == null || (v.deleted() && !includeDeleted)) {
      throw RegistryException.versionNotFound(number);
    }
    return toVersion(v);
  }

  synchronized String schemaById(int id) {
    String schema = schemaById.get(id);
    if (schema == null) {
      throw RegistryException.schemaNotFound("Schema " + id + " not found");
    }
    return schema;
  }

  /** Live subject-version pairs whose schema has this id. */
  synchronized List<Version> versionsOfId(int id) {
    schemaById(id);
    List<Version> result = new ArrayList<>();
    subjects.values().forEach(versions -> versions.values().stream()
        .filter(v -> !v.deleted() && v.id() == id)
        .forEach(v -> result.add(toVersion(v))));
    return result;
  }

  /** Compatibility problems of a schema against one version, or against the latest per level. */
  synchronized List<String> compatibility(String subject, String versionId, String schemaText) {
    Schema candidate = parse(schemaText);
    int number = parseVersion(versionId);
    CompatibilityLevel level = levelOf(subject);
    if (number == -1) {
      // Confluent answers "compatible" for a subject with nothing registered yet.
      return level.check(candidate, subjects.containsKey(subject) ? liveSchemas(subject) : List.of());
    }
    Version version = version(subject, versionId, false);
    return level.check(candidate, List.of(parse(version.schema())));
  }

  /** Soft-deletes every live version of a subject; returns their numbers. */
  synchronized List<Integer> deleteSubject(String subject) {
    List<SchemaVersion> live = live(existing(subject, false));
    if (live.isEmpty()) {
      throw RegistryException.subjectNotFound(subject);
    }
    for (SchemaVersion v : live) {
      persist(new SchemaVersion(v.subject(), v.version(), v.id(), v.schema(), true));
    }
    return live.stream().map(SchemaVersion::version).toList();
  }

  /** Soft-deletes one version; returns its number. */
  synchronized int deleteVersion(String subject, String versionId) {
    Version v = version(subject, versionId, false);
    persist(new SchemaVersion(v.subject(), v.version(), v.id(), v.schema(), true));
    return v.version();
  }

  synchronized CompatibilityLevel globalLevel() {
    return globalLevel;
  }

  synchronized Optional<CompatibilityLevel> subjectLevel(String subject) {
    return Optional.ofNullable(subjectLevels.get(subject));
  }

  synchronized void setLevel(String subjectOrNull, CompatibilityLevel level) {
    persist(new Config(subjectOrNull, level));
  }

  /** Removes a subject's own level; returns the one it had. */
  synchronized CompatibilityLevel clearSubjectLevel(String subject) {
    CompatibilityLevel old = subjectLevels.get(subject);
    if (old == null) {
      throw new RegistryException(404, RegistryException.SUBJECT_LEVEL_CONFIG_NOT_FOUND,
          "Subject '" + subject + "' does not have subject-level compatibility configured");
    }
    persist(new Config(subject, null));
    return old;
  }

  private CompatibilityLevel levelOf(String subject) {
    return subjectLevels.getOrDefault(subject, globalLevel);
  }

  private List<Schema> liveSchemas(String subject) {
    return live(subjects.getOrDefault(subject, new TreeMap<>())).stream()
        .map(v -> parse(v.schema()))
        .toList();
  }

  private static List<SchemaVersion> live(TreeMap<Integer, SchemaVersion> versions) {
    return versions.values().stream().filter(v -> !v.deleted()).toList();
  }

  private TreeMap<Integer, SchemaVersion> existing(String subject, boolean includeDeleted) {
    TreeMap<Integer, SchemaVersion> versions = subjects.get(subject);
    if (versions == null || (!includeDeleted && live(versions).isEmpty())) {
      throw RegistryException.subjectNotFound(subject);
    }
    return versions;
  }

  private static Version toVersion(SchemaVersion v) {
    return new Version(v.subject(), v.version(), v.id(), v.schema());
  }

  /** "latest" and -1 mean the latest version; otherwise 1..2^31-1, as Confluent allows. */
  static int parseVersion(String versionId) {
    if ("latest".equalsIgnoreCase(versionId)) {
      return -1;
    }
    try {
      int number = Integer.parseInt(versionId);
      if (number == -1 || number >= 1) {
        return number;
      }
    } catch (NumberFormatException notANumber) {
      // Confluent's 42202 below
    }
    throw new RegistryException(422, RegistryException.INVALID_VERSION,
        "The specified version '" + versionId + "' is not a valid version id. Allowed values are"
            + " between [1, 2^31-1] and the string \"latest\"");
  }

  private static String abbreviate(String text) {
    return text.length() <= 200 ? text : text.substring(0, 200) + "...";
  }
}
