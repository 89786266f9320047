package io.neurostream.cli;

import io.neurostream.model.BundleMetadata;
import java.util.Optional;

/**
 * Keeps a model that learned nothing from being served by hand: a bundle whose training kept no
 * epoch better than a validation balanced accuracy of 0 ({@code best_epoch=none}), or whose
 * validation balanced accuracy is 0, would predict garbage. {@code models publish} and
 * {@code train --publish} refuse such a bundle as PROMOTED unless forced.
 */
final class UntrainedBundleGuard {

  static final String VALIDATION_BALANCED_ACCURACY = "validation.balanced_accuracy";

  private UntrainedBundleGuard() {}

  /** Why {@code metadata} describes a model that learned nothing, or empty if it looks trained. */
  static Optional<String> problem(BundleMetadata metadata) {
    Double validation = metadata.metrics().get(VALIDATION_BALANCED_ACCURACY);
    if ("none".equals(metadata.provenance().get("best_epoch"))) {
      return Optional.of("no epoch of its training beat a validation balanced accuracy of 0 (best_epoch=none)");
    }
    if (validation != null && validation <= 0) {
      return Optional.of("its validation balanced accuracy is " + String.format(java.util.Locale.ROOT, "%.4f", validation));
    }
    return Optional.empty();
  }

  /** The one-line refusal, naming the fixes. */
  static String refusal(String version, String problem) {
    return "model " + version + " learned nothing usable: " + problem + "; train it again (more epochs, more "
        + "data, all four class folders), or pass --force to publish it anyway, or --status REJECTED to record it";
  }
}
