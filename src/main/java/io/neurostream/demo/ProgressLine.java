package io.neurostream.demo;

import java.util.Locale;
import java.util.Map;

/**
 * The demo's live line: scans sent, classified and their rate since the last line, dead letters,
 * median latency of the recent predictions, the model version serving, accuracy so far (and of the
 * serving version once there are two), labels, and what the demo is waiting for. Not thread-safe:
 * one caller.
 */
final class ProgressLine {

  private long lastNanos;
  private int lastAnswered;

  ProgressLine(long startNanos) {
    this.lastNanos = startNanos;
  }

  /**
   * @param roles version → role, e.g. initial, fine-tune 1
   * @param note what the demo is waiting for, or empty
   */
  String format(ScanLedger.Progress p, long nowNanos, int totalScans, Map<String, String> roles, String note) {
    double seconds = Math.max(1e-3, (nowNanos - lastNanos) / 1e9);
    int answered = p.predicted() + p.deadLetters();
    double rate = (answered - lastAnswered) / seconds;
    lastNanos = nowNanos;
    lastAnswered = answered;
    String version = p.latestVersion() == null ? "-"
        : p.latestVersion() + " (" + roles.getOrDefault(p.latestVersion(), "?") + ")";
    String accuracy = p.predicted() == 0 ? "-" : String.format(Locale.ROOT, "%.3f", p.accuracy());
    String serving = p.latestVersionPredicted() == 0 || p.latestVersionPredicted() == p.predicted() ? ""
        : String.format(Locale.ROOT, ", this model %.3f", p.latestVersionAccuracy());
    return String.format(Locale.ROOT, "sent %,d/%,d | classified %,d (%.1f scans/s), dead letters %d | p50 %d ms | "
            + "model %s | accuracy %s%s | labels %,d%s%s",
        p.sent(), totalScans, p.predicted(), rate, p.deadLetters(), p.recentLatencyP50(), version, accuracy,
        serving, p.labels(), p.anomalies() > 0 ? " | ANOMALIES " + p.anomalies() : "",
        note.isEmpty() ? "" : " | " + note);
  }
}
