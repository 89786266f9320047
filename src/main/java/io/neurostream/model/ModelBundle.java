package io.neurostream.model;

import ai.djl.Device;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;
import java.util.zip.CRC32;
import java.util.zip.ZipEntry;
import java.util.zip.ZipException;
import java.util.zip.ZipFile;
import java.util.zip.ZipOutputStream;

/**
 * A trained model as one file, ready to ship (through Kafka in chunks, or as a file): a zip archive
 * of uncompressed entries
 *
 * <ul>
 *   <li>{@code metadata.json}: {@link BundleMetadata} (version, architecture, input shape, classes,
 *       normalization, metrics, provenance, engine);
 *   <li>{@code parameters/neurostream-0000.params}: the parameters in DJL's format;
 *   <li>{@code manifest.json}: size and SHA-256 of every other entry;
 * </ul>
 *
 * <p>and a seal: the zip comment is {@code neurostream-bundle sha256:<hex>}, the SHA-256 of every
 * byte of the file before the hex digits. The seal covers the zip headers and central directory
 * too, which per-entry checksums do not, so that one flipped byte anywhere is detected. {@link
 * #open(Path)} checks the seal, the manifest and the metadata before anything is loaded; {@link
 * #sha256()} is the digest of the whole file, as releases announce it.
 */
public final class ModelBundle {

  /** The bundle format this class writes and reads. */
  public static final String FORMAT = "neurostream-bundle/1";

  static final String METADATA = "metadata.json";
  static final String PARAMETERS = "parameters/" + ScanClassifierModel.MODEL_NAME + "-0000.params";
  static final String MANIFEST = "manifest.json";

  private static final String SEAL_PREFIX = "neurostream-bundle sha256:";
  private static final int DIGEST_HEX = 64;
  private static final int SEAL_LENGTH = SEAL_PREFIX.length() + DIGEST_HEX;
  /** End of central directory record without its comment. */
  private static final int EOCD_LENGTH = 22;

  static final ObjectMapper JSON =
      new ObjectMapper()
          .enable(SerializationFeature.INDENT_OUTPUT)
          .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);

  private final Path path;
  private final BundleMetadata metadata;
  private final String sha256;
  private final long size;

  private ModelBundle(Path path, BundleMetadata metadata, String sha256, long size) {
    this.path = path;
    this.metadata = metadata;
    this.sha256 = sha256;
    this.size = size;
  }

  /**
   * Writes {@code model} with {@code metadata} to {@code file} (atomically: a partly written bundle
   * is never visible under {@code file}) and returns it, verified.
   */
  public static ModelBundle write(ScanClassifierModel model, BundleMetadata metadata, Path file) {
    Objects.requireNonNull(metadata, "metadata");
    if (!metadata.spec().equals(model.spec())) {
      throw new IllegalArgumentException(
          "metadata describes " + metadata.spec() + " but the model is " + model.spec());
    }
    Path dir = file.toAbsolutePath().getParent();
    Path work = null;
    Path partial = null;
    try {
      Files.createDirectories(dir);
      work = Files.createTempDirectory("neurostream-bundle");
      Path params = model.saveParameters(work);
      byte[] metadataJson = JSON.writeValueAsBytes(metadata);
      partial = Files.createTempFile(dir, file.getFileName().toString(), ".partial");
      writeArchive(partial, metadataJson, params);
      readableByAll(partial);
      Files.move(partial, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
      partial = null;
      return open(file);
    } catch (IOException e) {
      throw new ModelBundleException("writing bundle " + file + " failed: " + e.getMessage(), e);
    } finally {
      deleteQuietly(partial);
      deleteRecursively(work);
    }
  }

  /**
   * Opens and verifies the bundle at {@code file}: seal, manifest, entry checksums and metadata.
   *
   * @throws ModelBundleException when the file is truncated, corrupted, of an unknown format or
   *     inconsistent with the architecture it declares
   */
  public static ModelBundle open(Path file) {
    if (!Files.isRegularFile(file)) {
      throw new ModelBundleException("no model bundle at " + file + "; check the path");
    }
    try {
      long size = Files.size(file);
      String sha256 = verifySeal(file, size);
      Manifest manifest = readManifest(file);
      manifest.verify(file, null);
      BundleMetadata metadata = readMetadata(file);
      return new ModelBundle(file, metadata, sha256, size);
    } catch (IOException e) {
      throw new ModelBundleException(
          "model bundle " + file + " cannot be read: " + e.getMessage()
              + "; it is damaged or not a bundle, re-fetch or rebuild it",
          e);
    }
  }

  /**
   * Opens the bundle and checks that its SHA-256 is {@code expectedSha256} (as a release announces
   * it) before verifying the rest.
   */
  public static ModelBundle open(Path file, String expectedSha256) {
    ModelBundle bundle = open(file);
    if (!bundle.sha256.equalsIgnoreCase(expectedSha256)) {
      throw new ModelBundleException(
          "model bundle " + file + " has sha-256 " + bundle.sha256 + " but " + expectedSha256
              + " was expected; the artifact is not the released one, re-fetch it");
    }
    return bundle;
  }

  /** Opens, verifies and loads the bundle at {@code file} onto {@code device}. */
  public static ScanClassifierModel load(Path file, Device device) {
    return open(file).load(device);
  }

  /**
   * Loads the model onto {@code device}. The parameter entry is checked against the manifest again
   * while it is extracted, so a file changed since {@link #open(Path)} is not loaded either.
   */
  public ScanClassifierModel load(Device device) {
    Path work = null;
    try {
      work = Files.createTempDirectory("neurostream-bundle");
      Path params = work.resolve(ScanClassifierModel.MODEL_NAME + "-0000.params");
      readManifest(path).verify(path, Map.of(PARAMETERS, params));
      return ScanClassifierModel.load(metadata.spec(), metadata.normalization(), device, work);
    } catch (IOException e) {
      throw new ModelBundleException("loading model bundle " + path + " failed: " + e.getMessage(), e);
    } finally {
      deleteRecursively(work);
    }
  }

  /** Lower-case hex SHA-256 of the whole file (the {@code artifactSha256} of a release). */
  public String sha256() {
    return sha256;
  }

  /** Size of the file in bytes. */
  public long size() {
    return size;
  }

  public Path path() {
    return path;
  }

  public BundleMetadata metadata() {
    return metadata;
  }

  /** Lower-case hex SHA-256 of any file. */
  public static String sha256(Path file) {
    try (InputStream in = Files.newInputStream(file)) {
      MessageDigest md = sha256Digest();
      byte[] buf = new byte[1 << 16];
      for (int n; (n = in.read(buf)) > 0; ) {
        md.update(buf, 0, n);
      }
      return HexFormat.of().formatHex(md.digest());
    } catch (IOException e) {
      throw new UncheckedIOException("reading " + file + " failed", e);
    }
  }

  // ---- writing

  /** Writes a sealed archive of the given metadata and parameter file; checks nothing. */
  static void writeArchive(Path file, byte[] metadataJson, Path params) throws IOException {
    Map<String, Object> manifestEntries = new LinkedHashMap<>();
    try (ZipOutputStream zip = new ZipOutputStream(Files.newOutputStream(file), StandardCharsets.UTF_8)) {
      zip.setComment(SEAL_PREFIX + "0".repeat(DIGEST_HEX));
      manifestEntries.put(METADATA, storeBytes(zip, METADATA, metadataJson));
      manifestEntries.put(PARAMETERS, storeFile(zip, PARAMETERS, params));
      Map<String, Object> manifest = new LinkedHashMap<>();
      manifest.put("format", FORMAT);
      manifest.put("entries", manifestEntries);
      storeBytes(zip, MANIFEST, JSON.writeValueAsBytes(manifest));
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
  private static String verifySeal(Path file, long size) throws IOException {
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
                + " not a NeuroStream bundle (" + FORMAT + "); re-fetch or rebuild it");
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

  private static Manifest readManifest(Path file) throws IOException {
    try (ZipFile zip = new ZipFile(file.toFile(), StandardCharsets.UTF_8)) {
      ZipEntry entry = zip.getEntry(MANIFEST);
      if (entry == null) {
        throw new ModelBundleException("model bundle " + file + " has no " + MANIFEST + "; rebuild it");
      }
      Map<?, ?> json;
      try (InputStream in = zip.getInputStream(entry)) {
        json = JSON.readValue(in, Map.class);
      }
      if (!FORMAT.equals(json.get("format"))) {
        throw new ModelBundleException(
            "model bundle " + file + " has format " + json.get("format") + "; this version reads "
                + FORMAT + " only");
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
      expected.add(MANIFEST);
      if (!names.equals(expected) || !entries.containsKey(METADATA) || !entries.containsKey(PARAMETERS)) {
        throw new ModelBundleException(
            "model bundle " + file + " holds entries " + names + " but its manifest lists "
                + expected + " (needs " + METADATA + " and " + PARAMETERS + "); rebuild it");
      }
      return new Manifest(entries);
    } catch (ZipException e) {
      throw new ModelBundleException(
          "model bundle " + file + " is not a readable archive (" + e.getMessage()
              + "); it is truncated or corrupted, re-fetch it",
          e);
    } catch (JsonProcessingException e) {
      throw new ModelBundleException(
          "model bundle " + file + " has an unreadable " + MANIFEST + ": " + e.getOriginalMessage(), e);
    }
  }

  private static BundleMetadata readMetadata(Path file) throws IOException {
    BundleMetadata m;
    try (ZipFile zip = new ZipFile(file.toFile(), StandardCharsets.UTF_8);
        InputStream in = zip.getInputStream(zip.getEntry(METADATA))) {
      m = JSON.readValue(in, BundleMetadata.class);
    } catch (JsonProcessingException e) {
      throw new ModelBundleException(
          "model bundle " + file + " has unreadable metadata: " + e.getOriginalMessage(), e);
    }
    List<String> problems = new ArrayList<>();
    if (!FORMAT.equals(m.format())) {
      problems.add("format " + m.format() + " is not " + FORMAT);
    }
    if (!m.spec().architecture().equals(m.architecture())) {
      problems.add("architecture " + m.architecture() + " contradicts its spec (" + m.spec().architecture() + ")");
    }
    if (!m.spec().inputShape().equals(m.inputShape())) {
      problems.add("input shape " + m.inputShape() + " contradicts its spec (" + m.spec().inputShape() + ")");
    }
    if (!ModelSpec.classNames().equals(m.classNames())) {
      problems.add("classes " + m.classNames() + " are not " + ModelSpec.classNames());
    }
    if (!problems.isEmpty()) {
      throw new ModelBundleException(
          "model bundle " + file + " has inconsistent metadata: " + String.join("; ", problems)
              + "; rebuild it with this version's train command");
    }
    return m;
  }

  private record ManifestEntry(long size, String sha256) {}

  private record Manifest(Map<String, ManifestEntry> entries) {

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

  // ---- small helpers

  private static MessageDigest sha256Digest() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("this Java runtime has no SHA-256", e);
    }
  }

  /** Temporary files are private (0600); a bundle is meant to be shipped and read by services. */
  private static void readableByAll(Path file) throws IOException {
    try {
      Files.setPosixFilePermissions(file, java.nio.file.attribute.PosixFilePermissions.fromString("rw-r--r--"));
    } catch (UnsupportedOperationException e) {
      // not a POSIX file system: its defaults apply
    }
  }

  private static void deleteQuietly(Path file) {
    if (file != null) {
      try {
        Files.deleteIfExists(file);
      } catch (IOException ignored) {
        // a stray temporary file is harmless
      }
    }
  }

  private static void deleteRecursively(Path dir) {
    if (dir == null || !Files.exists(dir)) {
      return;
    }
    try (Stream<Path> walk = Files.walk(dir)) {
      walk.sorted(Comparator.reverseOrder()).forEach(ModelBundle::deleteQuietly);
    } catch (IOException ignored) {
      // a stray temporary directory is harmless
    }
  }
}
