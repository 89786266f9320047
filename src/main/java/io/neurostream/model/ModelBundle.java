package io.neurostream.model;

import ai.djl.Device;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.zip.ZipFile;
import io.neurostream.ops.Directories;

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
      BundleArchive.write(partial, metadataJson, params);
      readableByAll(partial);
      Files.move(partial, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
      partial = null;
      return open(file);
    } catch (IOException e) {
      throw new ModelBundleException("writing bundle " + file + " failed: " + e.getMessage(), e);
    } finally {
      deleteQuietly(partial);
      Directories.deleteQuietly(work);
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
      String sha256 = BundleArchive.verifySeal(file, size);
      BundleArchive.Manifest manifest = BundleArchive.readManifest(file);
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
      BundleArchive.readManifest(path).verify(path, Map.of(PARAMETERS, params));
      return ScanClassifierModel.load(metadata.spec(), metadata.normalization(), device, work);
    } catch (IOException e) {
      throw new ModelBundleException("loading model bundle " + path + " failed: " + e.getMessage(), e);
    } finally {
      Directories.deleteQuietly(work);
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
      MessageDigest md = BundleArchive.sha256Digest();
      byte[] buf = new byte[1 << 16];
      for (int n; (n = in.read(buf)) > 0; ) {
        md.update(buf, 0, n);
      }
      return HexFormat.of().formatHex(md.digest());
    } catch (IOException e) {
      throw new UncheckedIOException("reading " + file + " failed", e);
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

  // ---- small helpers

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
}
