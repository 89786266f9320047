package io.neurostream.release;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/** SHA-256 and size checks of a model artifact against what its release promises. */
public final class ArtifactDigest {

  private ArtifactDigest() {}

  /** Lower-case hex SHA-256 of a file. */
  public static String sha256(Path file) throws IOException {
    MessageDigest md = newDigest();
    try (InputStream in = Files.newInputStream(file)) {
      byte[] buf = new byte[1 << 16];
      for (int n; (n = in.read(buf)) > 0; ) {
        md.update(buf, 0, n);
      }
    }
    return HexFormat.of().formatHex(md.digest());
  }

  /** Lower-case hex SHA-256 of bytes. */
  public static String sha256(byte[] bytes) {
    return HexFormat.of().formatHex(newDigest().digest(bytes));
  }

  /**
   * Checks {@code file} has {@code size} bytes and hashes to {@code sha256}.
   *
   * @throws ArtifactException SIZE_MISMATCH or SHA256_MISMATCH naming both values
   */
  public static void verify(Path file, String version, long size, String sha256)
      throws ArtifactException {
    try {
      long actualSize = Files.size(file);
      if (actualSize != size) {
        throw new ArtifactException(ArtifactException.Reason.SIZE_MISMATCH,
            "artifact of " + version + " has " + actualSize + " bytes but the release says "
                + size + "; republish the release or its artifact");
      }
      String actual = sha256(file);
      if (!actual.equalsIgnoreCase(sha256)) {
        throw new ArtifactException(ArtifactException.Reason.SHA256_MISMATCH,
            "artifact of " + version + " has sha-256 " + actual + " but the release says "
                + sha256 + "; the artifact is corrupt or not this release's, republish it");
      }
    } catch (IOException e) {
      throw new ArtifactException(ArtifactException.Reason.IO_ERROR,
          "cannot read the artifact of " + version + " at " + file + ": " + e.getMessage(), e);
    }
  }

  private static MessageDigest newDigest() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 missing from this JVM", e);
    }
  }
}
