package io.neurostream.ingest;

import io.neurostream.config.ConfigKey;
import io.neurostream.config.ConfigKeySet;
import io.neurostream.config.ValueType;
import java.util.List;

/** Keys of {@code neurostream ingest} and {@code neurostream label}. */
public final class IngestKeys implements ConfigKeySet {

  public static final ConfigKey<String> PATIENT_KEY_SALT = ConfigKey.optional(
      "patient.key.salt", ValueType.string(),
      "Secret salt of the HMAC-SHA256 that turns patient ids into pseudonymous patient keys. "
          + "Required for DICOM files; without it a fixed demo salt is used for PNG/JPEG.")
      .asSecret();

  @Override
  public String service() {
    return "ingest";
  }

  @Override
  public List<ConfigKey<?>> keys() {
    return List.of(PATIENT_KEY_SALT);
  }
}
