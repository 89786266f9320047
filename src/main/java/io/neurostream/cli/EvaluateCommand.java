package io.neurostream.cli;

import io.neurostream.avro.SeriesAggregation;
import io.neurostream.model.ClassProbabilities;
import io.neurostream.model.ComputeDevice;
import io.neurostream.model.DjlDefaults;
import io.neurostream.model.ModelBundle;
import io.neurostream.model.SeriesAggregator;
import io.neurostream.model.ScanClassifierModel;
import io.neurostream.training.Evaluation;
import io.neurostream.training.EvaluationMetrics;
import io.neurostream.training.Holdout;
import io.neurostream.training.MetricsReport;
import io.neurostream.training.SeriesMetrics;
import io.neurostream.training.TrainingExample;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code neurostream evaluate}: scores a model bundle on a labeled folder. */
@Command(
    name = "evaluate",
    mixinStandardHelpOptions = true,
    description = {
      "Evaluate a model bundle on a Kaggle-layout folder: accuracy, balanced accuracy, macro-F1,",
      "per-class precision and recall, confusion matrix, expected calibration error, at slice level",
      "and at subject (series) level, each subject's slices folded into one prediction as the",
      "verdict stage does. With a manifest.csv the subject-level test split (the bundle's seed and",
      "fractions) is used."
    })
public final class EvaluateCommand implements Callable<Integer> {

  @Option(names = "--model", required = true, paramLabel = "BUNDLE", description = "Model bundle.")
  Path model;

  @Option(names = "--data", required = true, paramLabel = "DIR", description = "Kaggle-layout folder.")
  Path data;

  @Option(names = "--json", paramLabel = "FILE", description = "Also write the metrics as JSON here.")
  Path json;

  @Option(names = "--all", description = "Evaluate every slice of the folder, even when a subject-level split is possible.")
  boolean all;

  @Option(names = "--batch-size", defaultValue = "32", description = "Batch size (default: ${DEFAULT-VALUE}).")
  int batchSize;

  @Option(names = "--aggregation", defaultValue = "mean-prob", paramLabel = "RULE",
      description = "How a subject's slices are folded for the subject-level figures: mean-prob or "
          + "mean-log-prob, as verdict.aggregation (default: ${DEFAULT-VALUE}).")
  String aggregation;

  @Option(names = "--device", defaultValue = "auto", description = "auto, cpu, gpu0, ... (default: ${DEFAULT-VALUE}).")
  String device;

  @Override
  public Integer call() throws Exception {
    DjlDefaults.apply();
    ModelBundle bundle = ModelBundle.open(model);
    Holdout holdout = Holdout.select(data, bundle.metadata(), all, System.err);
    System.out.println("model " + bundle.metadata().architecture() + " version " + bundle.metadata().version()
        + " (sha256 " + bundle.sha256() + ")");
    System.out.println("evaluating " + holdout.description());
    try (ScanClassifierModel loaded = bundle.load(ComputeDevice.resolve(device))) {
      List<ClassProbabilities> predictions =
          Evaluation.predictions(loaded, holdout.examples(), batchSize, null);
      EvaluationMetrics metrics = EvaluationMetrics.of(holdout.examples().stream()
          .mapToInt(TrainingExample::labelIndex).toArray(), predictions);
      SeriesAggregation rule = SeriesAggregator.parse(aggregation);
      EvaluationMetrics series = SeriesMetrics.of(holdout.examples(), predictions, rule);
      System.out.println();
      System.out.println("slice level (" + metrics.count() + " slices):");
      System.out.print(metrics.table());
      System.out.println();
      System.out.println("subject (series) level (" + series.count() + " subjects, each subject's "
          + "slices folded by " + aggregation + " as the verdict stage does):");
      System.out.print(series.table());
      if (json != null) {
        Map<String, Object> context = new LinkedHashMap<>();
        context.put("model", model.toString());
        context.put("version", bundle.metadata().version());
        context.put("sha256", bundle.sha256());
        context.put("architecture", bundle.metadata().architecture());
        context.put("data", data.toString());
        context.put("evaluated", holdout.description());
        context.put("series_aggregation", aggregation);
        context.put("series", series);
        context.put("series_flat", series.asMap());
        MetricsReport.write(json, context, metrics);
        System.out.println("\nwrote " + json);
      }
    }
    return 0;
  }
}
