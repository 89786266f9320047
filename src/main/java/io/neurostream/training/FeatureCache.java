package io.neurostream.training;

import io.neurostream.model.ScanClassifierModel;
import java.util.List;

/**
 * Backbone features of training examples, remembered so that fine-tuning only the head costs one
 * backbone pass per example ever seen rather than one per example per epoch (the seed's
 * frozen-backbone transfer learning, made incremental). Given to {@link
 * TrainingOptions.Builder#optFeatureCache(FeatureCache)}, it switches {@link Training} to
 * head-only training.
 */
public interface FeatureCache {

  /**
   * The backbone features of each example under {@code model}'s backbone, in order: the pooled
   * output of {@link io.neurostream.model.ScanNetwork#backbone()} run in inference mode on the
   * preprocessed, unaugmented image. Features not seen before are computed and remembered.
   */
  float[][] features(ScanClassifierModel model, List<TrainingExample> examples);
}
