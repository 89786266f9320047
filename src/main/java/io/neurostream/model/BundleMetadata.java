package io.neurostream.model;

import ai.djl.engine.Engine;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * What a model bundle says about its model, stored as {@code metadata.json} inside it. Fields
 * follow the {@code ModelRelease} Avro record so a release can be filled from it.
 *
 * @param format bundle format, {@value ModelBundle#FORMAT}
 * @param version this model's version, e.g. {@code 20261126-2324-3}
 * @param parentVersion the version this one was fine-tuned from, or null
 * @param architecture {@link ModelSpec#architecture()}
 * @param spec the full architecture options
 * @param inputShape channels, height, width
 * @param classNames class names in output order
 * @param normalization the input normalization the model was trained with
 * @param metrics holdout metrics (e.g. {@code balanced_accuracy}); may be empty
 * @param provenance where the training data came from (dataset path, seed, split, counts)
 * @param engine DJL engine that trained or saved it, e.g. {@code MXNet}
 * @param engineVersion engine version
 * @param djlVersion DJL version
 * @param createdAt when the bundle was written, ISO-8601 UTC
 */
public record BundleMetadata(
    String format,
    String version,
    String parentVersion,
    String architecture,
    ModelSpec spec,
    List<Integer> inputShape,
    List<String> classNames,
    Normalization normalization,
    Map<String, Double> metrics,
    Map<String, String> provenance,
    String engine,
    String engineVersion,
    String djlVersion,
    String createdAt) {

  public BundleMetadata {
    Objects.requireNonNull(version, "version");
    Objects.requireNonNull(spec, "spec");
    Objects.requireNonNull(normalization, "normalization");
    metrics = metrics == null ? Map.of() : Map.copyOf(metrics);
    provenance = provenance == null ? Map.of() : Map.copyOf(provenance);
    classNames = classNames == null ? List.of() : List.copyOf(classNames);
    inputShape = inputShape == null ? List.of() : List.copyOf(inputShape);
  }

  /**
   * Metadata for {@code model} as it is now, on the engine running it.
   *
   * @param version the new model's version
   * @param parentVersion the version it was fine-tuned from, or null
   */
  public static BundleMetadata of(
      ScanClassifierModel model,
      String version,
      String parentVersion,
      Map<String, Double> metrics,
      Map<String, String> provenance) {
    Engine engine = model.model().getNDManager().getEngine();
    ModelSpec spec = model.spec();
    return new BundleMetadata(
        ModelBundle.FORMAT,
        version,
        parentVersion,
        spec.architecture(),
        spec,
        spec.inputShape(),
        ModelSpec.classNames(),
        model.normalization(),
        metrics,
        provenance,
        engine.getEngineName(),
        engine.getVersion(),
        Engine.getDjlVersion(),
        Instant.now().toString());
  }

  /** A copy with other metrics (e.g. stamped after evaluation). */
  public BundleMetadata withMetrics(Map<String, Double> newMetrics) {
    return new BundleMetadata(
        format, version, parentVersion, architecture, spec, inputShape, classNames, normalization,
        newMetrics, provenance, engine, engineVersion, djlVersion, createdAt);
  }

  /** A new version string from the time, {@code yyyyMMdd-HHmmss} UTC. */
  public static String newVersion() {
    return java.time.format.DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss")
        .withZone(java.time.ZoneOffset.UTC)
        .format(Instant.now());
  }
}
