package io.neurostream.demo;

import io.neurostream.avro.DementiaStage;
import io.neurostream.avro.ReleaseStatus;
import io.neurostream.model.ClassProbabilities;
import io.neurostream.training.EvaluationMetrics;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The end of a demo run: one row per model version that served (scans, accuracy and balanced
 * accuracy against the ground truth, end-to-end latency p50/p99), the trainer's decisions, and the
 * accounting that every scan sent came back exactly once, as a prediction or a dead letter.
 *
 * @param rows per model version, in the order the versions started serving
 * @param overall all predictions together (null if there were none)
 * @param decisions the trainer's fine-tune decisions, in order
 * @param accounting sent versus answered
 */
public record DemoSummary(
    List<VersionRow> rows, VersionRow overall, List<ReleaseEvent> decisions, Accounting accounting) {

  /**
   * The figures of one model version.
   *
   * @param version the model version ("all" for the overall row)
   * @param role initial, fine-tune N, or served (a version without a release seen by the demo)
   * @param scans predictions it made
   * @param metrics its predictions scored against the truth
   * @param latencyP50Ms median end-to-end latency
   * @param latencyP99Ms 99th percentile end-to-end latency
   * @param firstAt its first prediction (epoch ms)
   * @param lastAt its last prediction (epoch ms)
   */
  public record VersionRow(
      String version,
      String role,
      int scans,
      EvaluationMetrics metrics,
      long latencyP50Ms,
      long latencyP99Ms,
      long firstAt,
      long lastAt) {}

  /**
   * Every scan sent against what came back.
   *
   * @param sent scans handed to the producer
   * @param predictions scans with a prediction
   * @param deadLetters scans with a dead letter
   * @param duplicates outcomes beyond the first for a scan
   * @param unexpected outcomes for scans never sent
   * @param sendFailures scans the producer could not deliver
   * @param missing scans sent with no outcome
   */
  public record Accounting(
      int sent, int predictions, int deadLetters, int duplicates, int unexpected, int sendFailures,
      List<String> missing) {

    public Accounting {
      missing = List.copyOf(missing);
    }

    /** Every scan sent has exactly one outcome, and nothing else came back. */
    public boolean complete() {
      return sent == predictions + deadLetters && duplicates == 0 && unexpected == 0
          && sendFailures == 0 && missing.isEmpty();
    }

    /** One line saying whether every scan is accounted for, with the numbers. */
    public String describe() {
      String equation = String.format(Locale.ROOT, "%,d scans sent %s %,d predictions + %,d dead letters",
          sent, sent == predictions + deadLetters ? "=" : "≠", predictions, deadLetters);
      if (complete()) {
        return "every scan accounted for: " + equation + " (no duplicates, none missing)";
      }
      List<String> problems = new ArrayList<>();
      if (!missing.isEmpty()) {
        problems.add(missing.size() + " sent with no outcome (e.g. "
            + String.join(", ", missing.subList(0, Math.min(3, missing.size()))) + ")");
      }
      if (duplicates > 0) {
        problems.add(duplicates + " duplicate outcomes");
      }
      if (unexpected > 0) {
        problems.add(unexpected + " outcomes for scans never sent");
      }
      if (sendFailures > 0) {
        problems.add(sendFailures + " scans the producer could not deliver");
      }
      return "NOT every scan accounted for: " + equation + "; " + String.join("; ", problems);
    }
  }

  /**
   * Summarizes a ledger snapshot.
   *
   * @param initialVersion the version the demo started from (its row is "initial")
   * @param releases every release seen, in order
   */
  public static DemoSummary of(ScanLedger.Snapshot ledger, String initialVersion, List<ReleaseEvent> releases) {
    Map<String, List<ScanLedger.Scored>> byVersion = new LinkedHashMap<>();
    ledger.predictions().stream()
        .sorted((a, b) -> Long.compare(a.prediction().predictedAt(), b.prediction().predictedAt()))
        .forEach(s -> byVersion.computeIfAbsent(s.prediction().modelVersion(), v -> new ArrayList<>()).add(s));
    Map<String, String> roles = roles(initialVersion, releases);
    List<VersionRow> rows = new ArrayList<>();
    byVersion.forEach((version, scored) ->
        rows.add(row(version, roles.getOrDefault(version, "served"), scored)));
    VersionRow overall = ledger.predictions().isEmpty() ? null : row("all", "", ledger.predictions());
    List<ReleaseEvent> decisions = releases.stream().filter(ReleaseEvent::isFineTune).toList();
    Accounting accounting = new Accounting(ledger.sent(), ledger.predictions().size(),
        ledger.deadLetters().size(), ledger.duplicates().size(), ledger.unexpected().size(),
        ledger.sendFailures().size(), ledger.missing());
    return new DemoSummary(List.copyOf(rows), overall, decisions, accounting);
  }

  /** "initial" for the starting version, "fine-tune N" for the N-th fine-tuned release. */
  static Map<String, String> roles(String initialVersion, List<ReleaseEvent> releases) {
    Map<String, String> roles = new LinkedHashMap<>();
    if (initialVersion != null) {
      roles.put(initialVersion, "initial");
    }
    int n = 0;
    for (ReleaseEvent r : releases) {
      if (r.isFineTune() && !roles.containsKey(r.version())) {
        roles.put(r.version(), "fine-tune " + ++n);
      }
    }
    return roles;
  }

  static VersionRow row(String version, String role, List<ScanLedger.Scored> scored) {
    int[] labels = new int[scored.size()];
    List<ClassProbabilities> predicted = new ArrayList<>(scored.size());
    long[] latencies = new long[scored.size()];
    long first = Long.MAX_VALUE;
    long last = Long.MIN_VALUE;
    for (int i = 0; i < scored.size(); i++) {
      ScanLedger.Scored s = scored.get(i);
      labels[i] = s.truth().ordinal();
      predicted.add(probabilities(s.prediction()));
      latencies[i] = s.prediction().latencyMs();
      first = Math.min(first, s.prediction().predictedAt());
      last = Math.max(last, s.prediction().predictedAt());
    }
    Arrays.sort(latencies);
    return new VersionRow(version, role, scored.size(), EvaluationMetrics.of(labels, predicted),
        percentile(latencies, 50), percentile(latencies, 99), first, last);
  }

  /**
   * The probabilities as the metrics expect them; a prediction whose argmax disagrees with its
   * stated class (it should not happen) is scored by the stated class.
   */
  private static ClassProbabilities probabilities(ScanOutcome.Predicted p) {
    ClassProbabilities c = ClassProbabilities.of(p.probabilities());
    if (c.predictedClass() != p.predicted().ordinal()) {
      return new ClassProbabilities(p.probabilities(), p.predicted().ordinal());
    }
    return c;
  }

  /** Nearest-rank percentile of sorted values; 0 when empty. */
  static long percentile(long[] sorted, double p) {
    if (sorted.length == 0) {
      return 0;
    }
    int rank = (int) Math.ceil(p / 100.0 * sorted.length);
    return sorted[Math.max(0, Math.min(sorted.length - 1, rank - 1))];
  }

  /** Whether a fine-tuned model was promoted and then served at least one scan. */
  public boolean promotionServed() {
    return decisions.stream().anyMatch(d -> d.status() == ReleaseStatus.PROMOTED
        && rows.stream().anyMatch(r -> r.version().equals(d.version()) && r.scans() > 0));
  }

  /** The table printed at the end of the demo. */
  public String table() {
    StringBuilder s = new StringBuilder();
    String header = String.format(Locale.ROOT, "%-22s %-12s %7s %9s %14s %8s %8s%n",
        "model version", "role", "scans", "accuracy", "balanced acc.", "p50 ms", "p99 ms");
    s.append(header);
    s.append("-".repeat(header.length() - 1)).append('\n');
    for (VersionRow r : rows) {
      s.append(line(r));
    }
    if (overall != null && rows.size() > 1) {
      s.append(line(overall));
    }
    return s.toString();
  }

  private static String line(VersionRow r) {
    return String.format(Locale.ROOT, "%-22s %-12s %,7d %9.3f %14.3f %8d %8d%n", r.version(), r.role(),
        r.scans(), r.metrics().accuracy(), r.metrics().balancedAccuracy(), r.latencyP50Ms(), r.latencyP99Ms());
  }

  /** One line per trainer decision: version, status, holdout balanced accuracy against the parent's. */
  public List<String> decisionLines() {
    List<String> out = new ArrayList<>();
    for (ReleaseEvent d : decisions) {
      String figures = d.balancedAccuracy().isPresent() && d.parentBalancedAccuracy().isPresent()
          ? String.format(Locale.ROOT, "holdout balanced accuracy %.3f -> %.3f; ",
              d.parentBalancedAccuracy().get(), d.balancedAccuracy().get())
          : "";
      out.add(String.format(Locale.ROOT, "%s %s (from %s): %s%s", d.version(), d.status(),
          d.parentVersion(), figures, d.reason()));
    }
    return out;
  }

  /** Stages in output order, for reports. */
  static List<DementiaStage> stages() {
    return List.of(DementiaStage.values());
  }
}
