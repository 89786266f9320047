package io.neurostream.trainer;

import io.neurostream.config.CommonConfig;
import io.neurostream.config.CommonKeys;
import io.neurostream.config.Configuration;
import io.neurostream.config.Origin;
import io.neurostream.model.ModelSpec;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;

/**
 * Configuration of {@code neurostream trainer} (and of the {@code models} commands, which publish
 * the same way).
 *
 * @param common bootstrap servers, registry, state dir, passed-through client properties
 * @param opsPort port of /metrics, /live, /ready and /train-now ({@value TrainerKeys#DEFAULT_OPS_PORT}
 *     unless metrics.port is set)
 * @param minNewLabels labels since the last round that start a round
 * @param interval time since the last round that starts one (with any new label); zero for never
 * @param maxRound time budget of a round
 * @param headOnly train the head on cached backbone features (else the whole network)
 * @param epochs most epochs per round
 * @param patience early-stopping patience
 * @param batchSize examples per step
 * @param learningRate Adam's learning rate
 * @param backboneLearningRateFactor the backbone's share of it in full mode
 * @param split the deterministic patient split
 * @param gate the promotion rule
 * @param artifacts where artifacts go
 * @param releasesKeep artifacts kept
 * @param chunkBytes payload of one artifact chunk
 * @param publishMaxBytesPerSecond publication pace, 0 for none
 * @param transactionalId transactional id of the release producer
 * @param bootstrapBundle bundle published as the first release, if any
 * @param initialSpec architecture of a first model trained from labels
 * @param initialBackbone pretrained backbone of such a model, if any
 * @param device training device
 * @param seed seed of every round
 */
public record TrainerConfig(
    CommonConfig common,
    int opsPort,
    int minNewLabels,
    Duration interval,
    Duration maxRound,
    boolean headOnly,
    int epochs,
    int patience,
    int batchSize,
    float learningRate,
    float backboneLearningRateFactor,
    PatientSplit split,
    PromotionGate gate,
    ArtifactTarget artifacts,
    int releasesKeep,
    int chunkBytes,
    int publishMaxBytesPerSecond,
    String transactionalId,
    Optional<Path> bootstrapBundle,
    ModelSpec initialSpec,
    Optional<String> initialBackbone,
    String device,
    long seed) {

  /** Reads the trainer's configuration (load it with CommonKeys and TrainerKeys). */
  public static TrainerConfig from(Configuration c) {
    int port = c.origin(CommonKeys.METRICS_PORT).layer() == Origin.Layer.DEFAULT
        ? TrainerKeys.DEFAULT_OPS_PORT
        : c.get(CommonKeys.METRICS_PORT);
    return new TrainerConfig(
        CommonConfig.from(c),
        port,
        c.get(TrainerKeys.MIN_NEW_LABELS),
        Duration.ofMinutes(c.get(TrainerKeys.INTERVAL_MINUTES)),
        Duration.ofSeconds(c.get(TrainerKeys.MAX_ROUND_SECONDS)),
        c.get(TrainerKeys.MODE).equals("head"),
        c.get(TrainerKeys.EPOCHS),
        c.get(TrainerKeys.PATIENCE),
        c.get(TrainerKeys.BATCH_SIZE),
        c.get(TrainerKeys.LEARNING_RATE).floatValue(),
        c.get(TrainerKeys.BACKBONE_LR_FACTOR).floatValue(),
        new PatientSplit(c.get(TrainerKeys.HOLDOUT_FRACTION), c.get(TrainerKeys.VALIDATION_FRACTION),
            c.get(TrainerKeys.HOLDOUT_SALT)),
        new PromotionGate(c.get(TrainerKeys.MIN_IMPROVEMENT), c.get(TrainerKeys.MAX_RECALL_DROP),
            c.get(TrainerKeys.MAX_SERIES_DROP)),
        ArtifactTarget.parse(c.get(TrainerKeys.ARTIFACT_STORE)),
        c.get(TrainerKeys.RELEASES_KEEP),
        c.get(TrainerKeys.ARTIFACT_CHUNK_BYTES),
        c.get(TrainerKeys.PUBLISH_MAX_BYTES_PER_SECOND),
        c.get(TrainerKeys.TRANSACTIONAL_ID),
        c.find(TrainerKeys.BOOTSTRAP_BUNDLE),
        ModelSpec.builder()
            .optDepth(c.get(TrainerKeys.INITIAL_DEPTH))
            .optInputSize(c.get(TrainerKeys.INITIAL_INPUT_SIZE))
            .build(),
        c.find(TrainerKeys.INITIAL_BACKBONE),
        c.get(TrainerKeys.DEVICE),
        c.get(TrainerKeys.SEED));
  }

  /** The trainer's local, rebuildable state: fetched bundles, feature cache, round reports. */
  public Path stateDir() {
    return common.stateDir().resolve("trainer");
  }
}
