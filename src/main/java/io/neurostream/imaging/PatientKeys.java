package io.neurostream.imaging;

import java.nio.charset.StandardCharsets;
import java.security.InvalidKeyException;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Turns a direct patient identifier (a DICOM PatientID, a subject id from a manifest) into the
 * pseudonymous {@code patientKey} of a ScanEvent: HMAC-SHA256 under a secret salt, hex, truncated
 * to 128 bits. Without the salt the key cannot be reversed by hashing candidate ids; with the same
 * salt the same patient always gets the same key, so evaluation can still split by subject.
 */
public final class PatientKeys {

  private final SecretKeySpec key;

  public PatientKeys(String salt) {
    if (salt == null || salt.isEmpty()) {
      throw new IllegalArgumentException("patient.key.salt is empty; set NEUROSTREAM_PATIENT_KEY_SALT");
    }
    this.key = new SecretKeySpec(salt.getBytes(StandardCharsets.UTF_8), "HmacSHA256");
  }

  /** The pseudonymous key of {@code identifier}: {@code pk-} and 32 hex digits. */
  public String of(String identifier) {
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(key);
      byte[] digest = mac.doFinal(identifier.getBytes(StandardCharsets.UTF_8));
      return "pk-" + HexFormat.of().formatHex(digest, 0, 16);
    } catch (NoSuchAlgorithmException | InvalidKeyException e) {
      throw new IllegalStateException("HmacSHA256 unavailable in this JVM", e);
    }
  }
}
