package io.neurostream.demo;

import io.neurostream.avro.DementiaStage;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The demo's book of every scan: what the PACS sent (with the ground truth the demo knows) and what
 * came back for it, a prediction or a dead letter. The summary's accounting is read from here:
 * every scan sent must have exactly one outcome. Thread-safe: the PACS, the prediction watcher and
 * the progress line use it at once.
 */
public final class ScanLedger {

  /**
   * A scan the PACS sent.
   *
   * @param scan the scan and its truth
   * @param sentAt when it was handed to the producer (epoch ms)
   * @param labeled whether the radiologist labels it
   */
  public record Sent(StreamScan scan, long sentAt, boolean labeled) {}

  /**
   * A prediction joined with the scan's ground truth.
   *
   * @param prediction what the classifier said
   * @param truth what the scan is
   */
  public record Scored(ScanOutcome.Predicted prediction, DementiaStage truth) {
    public boolean correct() {
      return prediction.predicted() == truth;
    }
  }

  private final Map<String, Sent> sent = new LinkedHashMap<>();
  private final Map<String, Boolean> acknowledged = new HashMap<>();
  private final Map<String, String> sendFailures = new LinkedHashMap<>();
  private final Map<String, ScanOutcome> outcomes = new HashMap<>();
  private final List<ScanOutcome> duplicates = new ArrayList<>();
  private final List<ScanOutcome> unexpected = new ArrayList<>();
  private final List<Scored> scored = new ArrayList<>();
  private final List<ScanOutcome.DeadLettered> deadLetters = new ArrayList<>();
  private int labelsSent;

  /** Records a scan about to be sent (call before the producer's send, so no outcome precedes it). */
  public synchronized void sending(StreamScan scan, long at, boolean labeled) {
    if (sent.putIfAbsent(scan.sopInstanceUid(), new Sent(scan, at, labeled)) != null) {
      throw new IllegalArgumentException("scan " + scan.sopInstanceUid() + " sent twice; the stream "
          + "set must have unique SOP Instance UIDs");
    }
  }

  /** The broker acknowledged the scan. */
  public synchronized void acknowledged(String scanId) {
    acknowledged.put(scanId, Boolean.TRUE);
  }

  /** The producer gave up on the scan; it never reached {@code mri.scans}. */
  public synchronized void sendFailed(String scanId, String reason) {
    sendFailures.put(scanId, reason);
  }

  /** The radiologist's label for a scan reached {@code mri.labels}. */
  public synchronized void labelSent() {
    labelsSent++;
  }

  /** Records what came back for a scan; a second outcome for one scan is kept as a duplicate. */
  public synchronized void outcome(ScanOutcome outcome) {
    Sent s = sent.get(outcome.scanId());
    if (s == null) {
      unexpected.add(outcome);
      return;
    }
    if (outcomes.putIfAbsent(outcome.scanId(), outcome) != null) {
      duplicates.add(outcome);
      return;
    }
    if (outcome instanceof ScanOutcome.Predicted p) {
      scored.add(new Scored(p, s.scan().truth()));
    } else if (outcome instanceof ScanOutcome.DeadLettered d) {
      deadLetters.add(d);
    }
  }

  /** Scans handed to the producer so far. */
  public synchronized int sentCount() {
    return sent.size();
  }

  /** Scans sent and not yet answered by a prediction or a dead letter (nor lost by the producer). */
  public synchronized int pending() {
    return sent.size() - outcomes.size() - (int) sendFailures.keySet().stream()
        .filter(id -> !outcomes.containsKey(id)).count();
  }

  /** A consistent copy for the progress line, the summary and the report. */
  public synchronized Snapshot snapshot() {
    List<String> missing = new ArrayList<>();
    for (String id : sent.keySet()) {
      if (!outcomes.containsKey(id) && !sendFailures.containsKey(id)) {
        missing.add(id);
      }
    }
    int acked = (int) sent.keySet().stream().filter(acknowledged::containsKey).count();
    return new Snapshot(sent.size(), acked, labelsSent, List.copyOf(scored), List.copyOf(deadLetters),
        List.copyOf(duplicates), List.copyOf(unexpected), Map.copyOf(sendFailures), List.copyOf(missing));
  }

  /**
   * The ledger at one moment.
   *
   * @param sent scans handed to the producer
   * @param acknowledged of those, acknowledged by the broker
   * @param labelsSent labels published
   * @param predictions first prediction per scan, joined with its truth, in arrival order
   * @param deadLetters first dead letter per scan, in arrival order
   * @param duplicates second and later outcomes of a scan (must be empty)
   * @param unexpected outcomes for scans this demo never sent (must be empty)
   * @param sendFailures scans the producer could not deliver, with the reason (must be empty)
   * @param missing scans sent with no outcome yet
   */
  public record Snapshot(
      int sent,
      int acknowledged,
      int labelsSent,
      List<Scored> predictions,
      List<ScanOutcome.DeadLettered> deadLetters,
      List<ScanOutcome> duplicates,
      List<ScanOutcome> unexpected,
      Map<String, String> sendFailures,
      List<String> missing) {

    /** Scans answered (first outcome), predictions and dead letters together. */
    public int answered() {
      return predictions.size() + deadLetters.size();
    }
  }
}
