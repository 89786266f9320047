package io.neurostream.platform.registry;

/**
 * A request the registry refuses, with the HTTP status and Confluent's {@code error_code}, so the
 * HTTP layer can answer exactly as Confluent's registry does.
 */
final class RegistryException extends RuntimeException {

  static final int SUBJECT_NOT_FOUND = 40401;
  static final int VERSION_NOT_FOUND = 40402;
  static final int SCHEMA_NOT_FOUND = 40403;
  static final int SUBJECT_LEVEL_CONFIG_NOT_FOUND = 40408;
  static final int INCOMPATIBLE_SCHEMA = 409;
  static final int INVALID_SCHEMA = 42201;
  static final int INVALID_VERSION = 42202;
  static final int INVALID_COMPATIBILITY_LEVEL = 42203;
  static final int STORE_ERROR = 50001;

  private final int status;
  private final int errorCode;

  RegistryException(int status, int errorCode, String message) {
    super(message);
    this.status = status;
    this.errorCode = errorCode;
  }

  RegistryException(int status, int errorCode, String message, Throwable cause) {
    super(message, cause);
    this.status = status;
    this.errorCode = errorCode;
  }

  int status() {
    return status;
  }

  int errorCode() {
    return errorCode;
  }

  static RegistryException subjectNotFound(String subject) {
    return new RegistryException(404, SUBJECT_NOT_FOUND, "Subject '" + subject + "' not found.");
  }

  static RegistryException versionNotFound(int version) {
    return new RegistryException(404, VERSION_NOT_FOUND, "Version " + version + " not found.");
  }

  static RegistryException schemaNotFound(String what) {
    return new RegistryException(404, SCHEMA_NOT_FOUND, what);
  }
}
