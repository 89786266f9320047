package io.neurostream.demo;

import io.neurostream.avro.DeadLetter;
import io.neurostream.avro.DementiaStage;
import io.neurostream.avro.Prediction;
import java.util.List;

/** What became of one scan: a prediction on {@code mri.predictions} or a dead letter. */
public sealed interface ScanOutcome {

  /** The scan id the outcome is for. */
  String scanId();

  /**
   * A prediction, as read back from {@code mri.predictions}.
   *
   * @param scanId the scan's SOP Instance UID
   * @param modelVersion the version that made it
   * @param predicted the most probable stage
   * @param probabilities the softmax output in stage order
   * @param scanTimestamp the scan record's Kafka timestamp (epoch ms)
   * @param predictedAt when the classifier predicted (epoch ms)
   * @param batchSize the inference batch it was part of
   */
  record Predicted(
      String scanId,
      String modelVersion,
      DementiaStage predicted,
      float[] probabilities,
      long scanTimestamp,
      long predictedAt,
      int batchSize) implements ScanOutcome {

    /** End-to-end latency: scan record timestamp to prediction. */
    public long latencyMs() {
      return Math.max(0, predictedAt - scanTimestamp);
    }

    /** From the Avro record. */
    public static Predicted of(String scanId, Prediction p) {
      List<Float> probs = p.getProbabilities();
      float[] a = new float[probs.size()];
      for (int i = 0; i < a.length; i++) {
        a[i] = probs.get(i);
      }
      return new Predicted(scanId, p.getModelVersion(), p.getPredicted(), a,
          p.getScanTimestamp().toEpochMilli(), p.getPredictedAt().toEpochMilli(), p.getBatchSize());
    }
  }

  /**
   * A dead letter from {@code mri.scans.dlq}.
   *
   * @param scanId the record key (the scan id when it was readable)
   * @param stage where it failed
   * @param errorType the machine-readable reason
   * @param message the human-readable reason
   * @param failedAt when (epoch ms)
   */
  record DeadLettered(String scanId, String stage, String errorType, String message, long failedAt)
      implements ScanOutcome {

    /** From the Avro record. */
    public static DeadLettered of(String scanId, DeadLetter d) {
      return new DeadLettered(scanId, d.getStage(), d.getErrorType(), d.getErrorMessage(),
          d.getFailedAt().toEpochMilli());
    }
  }
}
