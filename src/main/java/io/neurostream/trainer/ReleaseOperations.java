package io.neurostream.trainer;

import io.neurostream.avro.ModelRelease;
import io.neurostream.avro.ReleaseStatus;
import io.neurostream.release.ArtifactException;
import io.neurostream.release.ArtifactStores;
import io.neurostream.release.RollbackPlan;
import io.neurostream.kafka.Topics;
import io.neurostream.model.ModelBundle;
import io.neurostream.model.ModelBundleException;
import io.neurostream.ops.Directories;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * What an operator does with releases ({@code neurostream models ...}): read the history, publish
 * a bundle, roll back to an earlier release, export a release's bundle. Rollback follows the
 * classifiers' rule ({@link io.neurostream.release.ReleaseLedger}): a ROLLED_BACK record
 * for the served version and a PROMOTED re-release of the chosen one, newer than anything before,
 * in one transaction, so every classifier swaps to it as soon as it reads the record.
 */
public final class ReleaseOperations implements AutoCloseable {

  /** Suffix of the CLI's transactional id, so it never fences the trainer. */
  static final String CLI_SUFFIX = "-cli";
  private static final Duration TIMEOUT = Duration.ofMinutes(2);

  private final TrainerConfig config;
  private final List<ModelRelease> published = new ArrayList<>();
  private ReleasePublisher publisher;

  public ReleaseOperations(TrainerConfig config) {
    this.config = config;
  }

  /**
   * The release history as committed on the releases topic, including what this object published
   * even if the topic does not show it yet (commit markers land a moment after the commit).
   */
  public ReleaseHistory history() {
    return ReleaseHistory.read(Topics.MODEL_RELEASES.name(), config.common().kafkaProperties(),
        Topics.MODEL_RELEASES.valueSerde(config.common().serdeConfig()).deserializer(), TIMEOUT)
        .including(published);
  }

  /**
   * Publishes {@code bundleFile} as a release (e.g. the initial one, or {@code train --publish}).
   *
   * @param status PROMOTED (served at once) or REJECTED (recorded only)
   */
  public ModelRelease publish(Path bundleFile, ReleaseStatus status, String reason) {
    ModelBundle bundle = ModelBundle.open(bundleFile);
    String version = bundle.metadata().version();
    if (history().find(version).isPresent()) {
      throw new IllegalArgumentException("version " + version + " of " + bundleFile + " is already "
          + "released; give the model another version (train --model-version) or roll back to it "
          + "(neurostream models rollback " + version + ")");
    }
    ReleaseDraft draft = new ReleaseDraft(status, reason, bundle.metadata().parentVersion(),
        bundle.metadata().metrics(), Map.of(), bundle.metadata().provenance());
    // retention is the trainer's job (after its next round); a manual publication only adds
    ModelRelease release = publisher().publish(bundle, draft);
    published.add(release);
    return release;
  }

  /**
   * Serves {@code version} again: ROLLED_BACK for the served release, PROMOTED re-release of
   * {@code version}, in one transaction. The artifact is fetched and verified first, so a rollback
   * never points classifiers at something they would refuse.
   *
   * @param force also re-promote a release that was REJECTED
   * @return the records published
   */
  public List<ModelRelease> rollback(String version, String reason, boolean force) {
    List<ModelRelease> records = RollbackPlan.plan(history().records(), version, reason, force,
        "an operator", Instant.now());
    verifyArtifact(records.get(records.size() - 1));
    publisher().publishRecords(records);
    published.addAll(records);
    return records;
  }

  /**
   * Fetches the bundle of {@code version}, verifies its size, sha-256 and seal, and writes it to
   * {@code dir/<version>.bundle} with the release record beside it ({@code .release.json}).
   *
   * @return the bundle written
   */
  public Path export(String version, Path dir) {
    ModelRelease release = history().find(version).orElseThrow(() -> new IllegalArgumentException(
        "there is no release " + version + "; see neurostream models list"));
    String name = version.replaceAll("[^A-Za-z0-9._-]", "_");
    Path out = dir.resolve(name + ".bundle");
    Path work = null;
    try {
      Files.createDirectories(dir);
      work = Files.createTempDirectory(dir, ".export-");
      Path fetched = fetchVerified(release, work);
      Files.move(fetched, out, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
      Files.writeString(dir.resolve(name + ".release.json"), release.toString() + "\n",
          StandardCharsets.UTF_8);
      return out;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write to " + dir + ": " + e.getMessage(), e);
    } finally {
      Directories.deleteQuietly(work);
    }
  }

  private void verifyArtifact(ModelRelease release) {
    Path work = null;
    try {
      work = Files.createTempDirectory("neurostream-verify");
      fetchVerified(release, work);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } finally {
      Directories.deleteQuietly(work);
    }
  }

  private Path fetchVerified(ModelRelease release, Path dir) {
    Path fetched;
    try {
      fetched = new ArtifactStores(config.common().kafkaProperties(), TIMEOUT).fetch(release, dir);
    } catch (ArtifactException e) {
      throw new IllegalStateException("the artifact of " + release.getVersion() + " cannot be used ("
          + e.reason() + "): " + e.getMessage(), e);
    }
    try {
      ModelBundle.open(fetched, release.getArtifactSha256());
    } catch (ModelBundleException e) {
      throw new IllegalStateException("the artifact of " + release.getVersion()
          + " passed its checksum but is not a valid bundle: " + e.getMessage(), e);
    }
    return fetched;
  }

  private ReleasePublisher publisher() {
    if (publisher == null) {
      publisher = new ReleasePublisher(config.common().kafkaProperties(),
          Topics.MODEL_RELEASES.valueSerde(config.common().serdeConfig()).serializer(),
          config.transactionalId() + CLI_SUFFIX, config.artifacts(), config.chunkBytes(),
          config.publishMaxBytesPerSecond());
    }
    return publisher;
  }

  @Override
  public void close() {
    if (publisher != null) {
      publisher.close();
    }
  }
}
