package io.neurostream.cli;

import io.neurostream.avro.ModelRelease;
import io.neurostream.trainer.ReleaseHistory;
import io.neurostream.trainer.ReleaseOperations;
import java.io.PrintWriter;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code neurostream models list}: the release history as a table. */
@Command(
    name = "list",
    mixinStandardHelpOptions = true,
    description = {
      "Print every release record in order: version, parent, status, holdout balanced accuracy "
          + "of the model and of its parent, time and reason. '*' marks the served release."
    })
public final class ModelsListCommand implements Callable<Integer> {

  private static final DateTimeFormatter TIME =
      DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss").withZone(ZoneOffset.UTC);

  @Option(names = "--wide", description = "Do not shorten the reasons.")
  boolean wide;

  @Mixin ReleaseOptions releases;

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Override
  public Integer call() {
    try (ReleaseOperations ops = new ReleaseOperations(releases.trainerConfig())) {
      PrintWriter out = spec.commandLine().getOut();
      print(ops.history(), wide, out);
      out.flush();
    }
    return 0;
  }

  static void print(ReleaseHistory history, boolean wide, PrintWriter out) {
    List<ModelRelease> records = history.records();
    if (records.isEmpty()) {
      out.println("no releases yet; publish one (neurostream models publish BUNDLE) or start the trainer");
      return;
    }
    // the very record that makes a version served (a version may have older records too)
    ModelRelease servedRecord = history.served().orElse(null);
    String format = "%1s %-22s %-22s %-11s %8s %8s %-19s  %s%n";
    out.format(Locale.ROOT, format, "", "VERSION", "PARENT", "STATUS", "BAL.ACC", "PARENT", "TIME (UTC)", "REASON");
    for (ModelRelease r : records) {
      String reason = r.getReason();
      if (!wide && reason.length() > 90) {
        reason = reason.substring(0, 87) + "...";
      }
      out.format(Locale.ROOT, format, r == servedRecord ? "*" : "",
          r.getVersion(), r.getParentVersion() == null ? "-" : r.getParentVersion(),
          r.getStatus(), metric(r.getMetrics()), metric(r.getParentMetrics()),
          TIME.format(r.getCreatedAt()), reason);
    }
  }

  private static String metric(Map<String, Double> metrics) {
    Double v = metrics.get("balanced_accuracy");
    return v == null || v.isNaN() ? "-" : String.format(Locale.ROOT, "%.4f", v);
  }
}
