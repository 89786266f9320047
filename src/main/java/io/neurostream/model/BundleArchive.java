package io.neurostream.model;

import com.fasterxml.jackson.core.JsonProcessingException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.zip.CRC32;
import java.util.zip.ZipEntry;
import java.util.zip.ZipException;
import java.util.zip.ZipFile;
import java.util.zip.ZipOutputStream;

/**
 * The file format of a {@link ModelBundle}: a zip of stored (uncompressed) entries with a manifest
 * of their sizes and SHA-256 digests, sealed by a zip comment {@code neurostream-bundle
 * sha256:<hex>} that hashes every byte before the hex digits (headers and central directory too).
 * Writing, sealing and verifying live here; what the entries mean lives in {@link ModelBundle}.
 */
final class BundleArchive {

  private static final String SEAL_PREFIX = "neurostream-bundle sha256:";
  private static final int DIGEST_HEX = 64;
  private static final int SEAL_LENGTH = SEAL_PREFIX.length() + DIGEST_HEX;
  /** End of central directory record without its comment. */
  private static final int EOCD_LENGTH = 22;

  private BundleArchive() {}

  /** Writes a sealed archive of the given metadata and parameter file; checks nothing. */
  static void write(Path file, byte[] metadataJson, Path params) throws IOException {
    Map<String, Object> manifestEntries = new LinkedHashMap<>();
    try (ZipOutputStream zip = new ZipOutputStream(Files.newOutputStream(file), StandardCharsets.UTF_8)) {
      zip.setComment(SEAL_PREFIX + "0".repeat(DIGEST_HEX));
      manifestEntries.put(ModelBundle.METADATA, storeBytes(zip, ModelBundle.METADATA, metadataJson));
      manifestEntries.put(ModelBundle.PARAMETERS, storeFile(zip, ModelBundle.PARAMETERS, params));
      Map<String, Object> manifest = new LinkedHashMap<>();
      manifest.put("format", ModelBundle.FORMAT);
      manifest.put("entries", manifestEntries);
      storeBytes(zip, ModelBundle.MANIFEST, ModelBundle.JSON.writeValueAsBytes(manifest));
    }
    seal(file);
  }

  private static Map<String, Object> storeBytes(ZipOutputStream zip, String name, byte[] bytes)
      throws IOException {
    CRC32 crc = new CRC32();
    crc.update(bytes);
    ZipEntry entry = storedEntry(name, bytes.length, crc.getValue());
    zip.putNextEntry(entry);
    zip.write(bytes);
    zip.closeEntry();
    return manifestEntry(bytes.length, HexFormat.of().formatHex(sha256Digest().digest(bytes)));
  }

  private static Map<String, Object> storeFile(ZipOutputStream zip, String name, Path file)
      throws IOException {
    // a stored (uncompressed) entry needs its CRC up front; parameters hardly compress anyway
    CRC32 crc = new CRC32();
    try (InputStream in = Files.newInputStream(file)) {
      byte[] buf = new byte[1 << 16];
      for (int n; (n = in.read(buf)) > 0; ) {
        crc.update(buf, 0, n);
      }
    }
    long size = Files.size(file);
    zip.putNextEntry(storedEntry(name, size, crc.getValue()));
    MessageDigest md = sha256Digest();
    try (InputStream in = Files.newInputStream(file)) {
      byte[] buf = new byte[1 << 16];
      for (int n; (n = in.read(buf)) > 0; ) {
        md.update(buf, 0, n);
        zip.write(buf, 0, n);
      }
    }
    zip.closeEntry();
    return manifestEntry(size, HexFormat.of().formatHex(md.digest()));
  }

  private static ZipEntry storedEntry(String name, long size, long crc) {
    ZipEntry entry = new ZipEntry(name);
    entry.setMethod(ZipEntry.STORED);
    entry.setSize(size);
    entry.setCompressedSize(size);
    entry.setCrc(crc);
    // a fixed time keeps bundles of identical content byte-identical
    entry.setTime(0L);
    return entry;
  }

  private static Map<String, Object> manifestEntry(long size, String sha256) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("size", size);
    m.put("sha256", sha256);
    return m;
  }

  /** Replaces the placeholder digits at the end of the comment with the digest of what precedes them. */
  private static void seal(Path file) throws IOException {
    try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
      long digestAt = ch.size() - DIGEST_HEX;
      MessageDigest md = sha256Digest();
      digest(ch, 0, digestAt, md, null);
      byte[] hex = HexFormat.of().formatHex(md.digest()).getBytes(StandardCharsets.US_ASCII);
      ch.write(ByteBuffer.wrap(hex), digestAt);
    }
  }

  // ---- verifying

  /** Checks the seal and returns the SHA-256 of the whole file (both from one pass). */
  static String verifySeal(Path file, long size) throws IOException {
    if (size < EOCD_LENGTH + SEAL_LENGTH) {
      throw new ModelBundleException(
          "model bundle " + file + " is only " + size + " bytes: truncated or not a bundle; re-fetch it");
    }
    try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
      ByteBuffer tail = ByteBuffer.allocate(SEAL_LENGTH + 2);
      ch.read(tail, size - SEAL_LENGTH - 2);
      byte[] t = tail.array();
      int commentLength = (t[0] & 0xff) | (t[1] & 0xff) << 8;
      String seal = new String(t, 2, SEAL_LENGTH, StandardCharsets.ISO_8859_1);
      if (commentLength != SEAL_LENGTH || !seal.startsWith(SEAL_PREFIX)) {
        throw new ModelBundleException(
            "model bundle " + file + " has no seal at its end: it is truncated, was changed, or is"
                + " not a NeuroStream bundle (" + ModelBundle.FORMAT + "); re-fetch or rebuild it");
      }
      String recorded = seal.substring(SEAL_PREFIX.length());
      MessageDigest sealDigest = sha256Digest();
      MessageDigest fileDigest = sha256Digest();
      digest(ch, 0, size - DIGEST_HEX, sealDigest, fileDigest);
      digest(ch, size - DIGEST_HEX, size, fileDigest, null);
      String actual = HexFormat.of().formatHex(sealDigest.digest());
      if (!actual.equals(recorded)) {
        throw new ModelBundleException(
            "model bundle " + file + " is corrupted: its content hashes to sha-256 " + actual
                + " but its seal records " + recorded + "; re-fetch or rebuild it");
      }
      return HexFormat.of().formatHex(fileDigest.digest());
    }
  }

  private static void digest(FileChannel ch, long from, long to, MessageDigest a, MessageDigest b)
      throws IOException {
    ByteBuffer buf = ByteBuffer.allocate(1 << 16);
    long pos = from;
    while (pos < to) {
      buf.clear();
      buf.limit((int) Math.min(buf.capacity(), to - pos));
      int n = ch.read(buf, pos);
      if (n <= 0) {
        throw new IOException("unexpected end of file at byte " + pos);
      }
      a.update(buf.array(), 0, n);
      if (b != null) {
        b.update(buf.array(), 0, n);
      }
      pos += n;
    }
  }

  static Manifest readManifest(Path file) throws IOException {
    try (ZipFile zip = new ZipFile(file.toFile(), StandardCharsets.UTF_8)) {
      ZipEntry entry = zip.getEntry(ModelBundle.MANIFEST);
      if (entry == null) {
        throw new ModelBundleException("model bundle " + file + " has no " + ModelBundle.MANIFEST + "; rebuild it");
      }
      Map<?, ?> json;
      try (InputStream in = zip.getInputStream(entry)) {
        json = ModelBundle.JSON.readValue(in, Map.class);
      }
      if (!ModelBundle.FORMAT.equals(json.get("format"))) {
        throw new ModelBundleException(
            "model bundle " + file + " has format " + json.get("format") + "; this version reads "
                + ModelBundle.FORMAT + " only");
      }
      Map<String, ManifestEntry> entries = new LinkedHashMap<>();
      if (json.get("entries") instanceof Map<?, ?> m) {
        for (Map.Entry<?, ?> e : m.entrySet()) {
          Map<?, ?> v = (Map<?, ?>) e.getValue();
          entries.put(
              (String) e.getKey(),
              new ManifestEntry(((Number) v.get("size")).longValue(), (String) v.get("sha256")));
        }
      }
      Set<String> names = new TreeSet<>();
      zip.stream().forEach(z -> names.add(z.getName()));
      Set<String> expected = new TreeSet<>(entries.keySet());
      expected.add(ModelBundle.MANIFEST);
      if (!names.equals(expected) || !entries.containsKey(ModelBundle.METADATA) || !entries.containsKey(ModelBundle.PARAMETERS)) {
        throw new ModelBundleException(
            "model bundle " + file + " holds entries " + names + " but its manifest lists "
                + expected + " (needs " + ModelBundle.METADATA + " and " + ModelBundle.PARAMETERS + "); rebuild it");
      }
      return new Manifest(entries);
    } catch (ZipException e) {
      throw new ModelBundleException(
          "model bundle " + file + " is not a readable archive (" + e.getMessage()
              + "); it is truncated or corrupted, re-fetch it",
          e);
    } catch (JsonProcessingException e) {
      throw new ModelBundleException(
          "model bundle " + file + " has an unreadable " + ModelBundle.MANIFEST + ": " + e.getOriginalMessage(), e);
    }
  }

  private record ManifestEntry(long size, String sha256) {}

  record Manifest(Map<String, ManifestEntry> entries) {

    /**
     * Re-hashes every entry; entries named in {@code extractTo} are also written to the given
     * file in the same pass.
     */
    void verify(Path file, Map<String, Path> extractTo) throws IOException {
      try (ZipFile zip = new ZipFile(file.toFile(), StandardCharsets.UTF_8)) {
        for (Map.Entry<String, ManifestEntry> e : entries.entrySet()) {
          if (extractTo != null && !extractTo.containsKey(e.getKey())) {
            continue;
          }
          Path target = extractTo == null ? null : extractTo.get(e.getKey());
          MessageDigest md = sha256Digest();
          long n = 0;
          try (InputStream in = zip.getInputStream(zip.getEntry(e.getKey()));
              OutputStream out = target == null ? OutputStream.nullOutputStream() : Files.newOutputStream(target)) {
            byte[] buf = new byte[1 << 16];
            for (int r; (r = in.read(buf)) > 0; ) {
              md.update(buf, 0, r);
              out.write(buf, 0, r);
              n += r;
            }
          }
          String sha = HexFormat.of().formatHex(md.digest());
          if (n != e.getValue().size() || !sha.equals(e.getValue().sha256())) {
            throw new ModelBundleException(
                "model bundle " + file + ": entry " + e.getKey() + " is " + n + " bytes with sha-256 "
                    + sha + " but the manifest records " + e.getValue().size() + " bytes with "
                    + e.getValue().sha256() + "; the bundle is corrupted, re-fetch or rebuild it");
          }
        }
      }
    }
  }

  static MessageDigest sha256Digest() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("this Java runtime has no SHA-256", e);
    }
  }
}
