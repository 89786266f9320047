package io.neurostream.serde;

/**
 * The schema registry answered with an error, or could not be reached after the configured
 * retries. Carries the HTTP status and Confluent's {@code error_code} (both 0 when no answer came)
 * so callers can tell "not found" from "incompatible" from "unreachable".
 */
public class SchemaRegistryException extends RuntimeException {

  /** Confluent's code for an unknown subject. */
  public static final int SUBJECT_NOT_FOUND = 40401;
  /** Confluent's code for an unknown version of a known subject. */
  public static final int VERSION_NOT_FOUND = 40402;
  /** Confluent's code for an unknown schema (id, or schema under a subject). */
  public static final int SCHEMA_NOT_FOUND = 40403;
  /** Confluent's code for a schema that breaks the subject's compatibility level. */
  public static final int INCOMPATIBLE_SCHEMA = 409;

  private final int httpStatus;
  private final int errorCode;

  public SchemaRegistryException(String message, int httpStatus, int errorCode, Throwable cause) {
    super(message, cause);
    this.httpStatus = httpStatus;
    this.errorCode = errorCode;
  }

  public SchemaRegistryException(String message, int httpStatus, int errorCode) {
    this(message, httpStatus, errorCode, null);
  }

  /** The HTTP status of the registry's answer, or 0 if none came. */
  public int httpStatus() {
    return httpStatus;
  }

  /** Confluent's {@code error_code} from the answer's body, or 0 if none came. */
  public int errorCode() {
    return errorCode;
  }

  /** Whether the registry said the subject, version or schema does not exist. */
  public boolean isNotFound() {
    return httpStatus == 404;
  }
}
