package io.neurostream.training;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.IOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/** Writes a training run's {@code metrics.json}: per-epoch history, the kept epoch, validation and holdout metrics. */
public final class MetricsReport {

  static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

  private MetricsReport() {}

  /** Writes {@code result} as JSON to {@code file}. */
  public static void write(Path file, TrainingResult result) throws IOException {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("version", result.version());
    m.put("architecture", result.spec().architecture());
    m.put("spec", result.spec());
    m.put("bundle", result.bundle().toString());
    m.put("sha256", result.sha256());
    m.put("split", result.splitDescription());
    m.put("train_count", result.trainCount());
    m.put("validation_count", result.validationCount());
    m.put("test_count", result.testCount());
    m.put("best_epoch", result.bestEpoch());
    m.put("stopped_early", result.stoppedEarly());
    m.put("seconds", result.seconds());
    m.put("epochs", result.history());
    m.put("validation", result.validation());
    m.put("holdout", result.holdout());
    JSON.writeValue(file.toFile(), m);
  }

  /** Writes evaluation metrics alone (the evaluate command's --json). */
  public static void write(Path file, Map<String, Object> context, EvaluationMetrics metrics) throws IOException {
    Map<String, Object> m = new LinkedHashMap<>(context);
    m.put("metrics", metrics);
    m.put("flat", metrics.asMap());
    JSON.writeValue(file.toFile(), m);
  }
}
