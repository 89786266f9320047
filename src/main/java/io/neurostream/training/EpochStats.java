package io.neurostream.training;

/**
 * Loss and accuracy after one epoch.
 *
 * @param epoch 1-based
 * @param trainLoss mean class-weighted loss over the epoch's training batches
 * @param trainAccuracy accuracy on the (augmented) training batches
 * @param validationLoss class-weighted loss on the validation set
 * @param validationAccuracy accuracy on the validation set
 * @param validationBalancedAccuracy balanced accuracy on the validation set (early stopping's)
 * @param seconds wall time of the epoch, validation included
 */
public record EpochStats(
    int epoch,
    double trainLoss,
    double trainAccuracy,
    double validationLoss,
    double validationAccuracy,
    double validationBalancedAccuracy,
    double seconds) {}
