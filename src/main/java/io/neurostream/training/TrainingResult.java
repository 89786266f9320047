package io.neurostream.training;

import io.neurostream.model.ModelSpec;
import java.nio.file.Path;
import java.util.List;

/**
 * What a training run produced.
 *
 * @param bundle the written model bundle
 * @param sha256 its SHA-256
 * @param version the model version
 * @param spec the architecture
 * @param history per-epoch statistics
 * @param bestEpoch the epoch whose parameters were kept (highest validation balanced accuracy)
 * @param stoppedEarly whether early stopping ended the run before the last epoch
 * @param validation metrics of the kept model on the validation set
 * @param holdout metrics of the kept model on the test (holdout) set, or null if it is empty
 * @param trainCount training examples
 * @param validationCount validation examples
 * @param testCount holdout examples
 * @param splitDescription how the data was split
 * @param seconds wall time of the whole run
 */
public record TrainingResult(
    Path bundle,
    String sha256,
    String version,
    ModelSpec spec,
    List<EpochStats> history,
    int bestEpoch,
    boolean stoppedEarly,
    EvaluationMetrics validation,
    EvaluationMetrics holdout,
    int trainCount,
    int validationCount,
    int testCount,
    String splitDescription,
    double seconds) {}
