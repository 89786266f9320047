package io.neurostream.ingest;

import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.UUID;

/**
 * DICOM UIDs for images that have none (PNG, JPEG): {@code 2.25.<UUID as a decimal integer>}, the
 * root DICOM PS3.5 §B.2 reserves for UUID-derived UIDs. The UUID is name-based (type 3) on a
 * string, so the same file path always gets the same UID: ingesting and labelling a folder give
 * the scan and its label one id.
 */
public final class Uids {

  private Uids() {}

  /** A deterministic UID for {@code name} in a {@code kind} namespace (study, series, sop). */
  public static String of(String kind, String name) {
    UUID uuid = UUID.nameUUIDFromBytes(("neurostream:" + kind + ":" + name)
        .getBytes(StandardCharsets.UTF_8));
    ByteBuffer b = ByteBuffer.allocate(16);
    b.putLong(uuid.getMostSignificantBits()).putLong(uuid.getLeastSignificantBits());
    return "2.25." + new BigInteger(1, b.array());
  }
}
