package io.neurostream.demo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.neurostream.avro.DementiaStage;
import io.neurostream.avro.ReleaseStatus;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class DemoSummaryTest {

  private static final DementiaStage NON = DementiaStage.Non_Demented;
  private static final DementiaStage MILD = DementiaStage.Mild_Demented;

  private final ScanLedger ledger = new ScanLedger();

  @Test
  void shouldAccountForEveryScanWhenEachHasExactlyOneOutcome() {
    // given three scans: two predicted, one dead-lettered
    send("a", NON);
    send("b", MILD);
    send("c", NON);
    ledger.outcome(predicted("a", "v1", NON, 1000, 1040));
    ledger.outcome(predicted("b", "v1", NON, 1000, 1100));
    ledger.outcome(new ScanOutcome.DeadLettered("c", "DECODE", "IMAGE_DECODE_FAILED", "bad png", 1200));

    // when
    DemoSummary summary = DemoSummary.of(ledger.snapshot(), "v1", List.of());

    // then
    assertThat(summary.accounting().complete()).isTrue();
    assertThat(summary.accounting().describe())
        .startsWith("every scan accounted for: 3 scans sent = 2 predictions + 1 dead letters");
  }

  @Test
  void shouldReportMissingDuplicateAndUnexpectedOutcomes() {
    // given a scan never answered, one answered twice and an answer for a scan never sent
    send("a", NON);
    send("b", NON);
    ledger.outcome(predicted("a", "v1", NON, 1000, 1040));
    ledger.outcome(predicted("a", "v1", NON, 1000, 1050));
    ledger.outcome(predicted("zzz", "v1", NON, 1000, 1050));

    // when
    DemoSummary.Accounting accounting = DemoSummary.of(ledger.snapshot(), "v1", List.of()).accounting();

    // then
    assertThat(accounting.complete()).isFalse();
    assertThat(accounting.missing()).containsExactly("b");
    assertThat(accounting.duplicates()).isEqualTo(1);
    assertThat(accounting.unexpected()).isEqualTo(1);
    assertThat(accounting.describe()).startsWith("NOT every scan accounted for: 2 scans sent ≠ 1 predictions")
        .contains("1 sent with no outcome (e.g. b)", "1 duplicate outcomes", "1 outcomes for scans never sent");
  }

  @Test
  void shouldNotCountAScanTheProducerLostAsPendingButAsAFailure() {
    send("a", NON);
    ledger.sendFailed("a", "timeout");

    assertThat(ledger.pending()).isZero();
    DemoSummary.Accounting accounting = DemoSummary.of(ledger.snapshot(), "v1", List.of()).accounting();
    assertThat(accounting.complete()).isFalse();
    assertThat(accounting.describe()).contains("1 scans the producer could not deliver");
  }

  @Test
  void shouldRefuseTheSameScanTwice() {
    send("a", NON);
    assertThatThrownBy(() -> send("a", NON)).hasMessageContaining("sent twice");
  }

  @Test
  void shouldScoreEachVersionAgainstTheTruthInServingOrder() {
    // given the initial model wrong on half, then a fine-tuned one right on all
    send("a", NON);
    send("b", MILD);
    send("c", NON);
    send("d", MILD);
    ledger.outcome(predicted("c", "v2", NON, 3000, 3010));
    ledger.outcome(predicted("a", "v1", NON, 1000, 1100));
    ledger.outcome(predicted("b", "v1", NON, 2000, 2300));
    ledger.outcome(predicted("d", "v2", MILD, 4000, 4020));
    List<ReleaseEvent> releases = List.of(
        release("v1", null, ReleaseStatus.PROMOTED, Map.of()),
        release("v2", "v1", ReleaseStatus.PROMOTED, Map.of("balanced_accuracy", 0.9)));

    // when
    DemoSummary summary = DemoSummary.of(ledger.snapshot(), "v1", releases);

    // then
    assertThat(summary.rows()).extracting(DemoSummary.VersionRow::version).containsExactly("v1", "v2");
    DemoSummary.VersionRow initial = summary.rows().get(0);
    assertThat(initial.role()).isEqualTo("initial");
    assertThat(initial.scans()).isEqualTo(2);
    assertThat(initial.metrics().accuracy()).isEqualTo(0.5);
    assertThat(initial.metrics().balancedAccuracy()).isEqualTo(0.5); // recall Non 1, Mild 0
    assertThat(initial.latencyP50Ms()).isEqualTo(100);
    assertThat(initial.latencyP99Ms()).isEqualTo(300);
    DemoSummary.VersionRow tuned = summary.rows().get(1);
    assertThat(tuned.role()).isEqualTo("fine-tune 1");
    assertThat(tuned.metrics().balancedAccuracy()).isEqualTo(1.0);
    assertThat(summary.overall().scans()).isEqualTo(4);
    assertThat(summary.decisions()).extracting(ReleaseEvent::version).containsExactly("v2");
    assertThat(summary.promotionServed()).isTrue();
    assertThat(summary.table()).contains("initial", "fine-tune 1", "all");
  }

  @Test
  void shouldNotCallARejectedCandidateAPromotion() {
    send("a", NON);
    ledger.outcome(predicted("a", "v1", NON, 1000, 1100));
    List<ReleaseEvent> releases = List.of(
        release("v2", "v1", ReleaseStatus.REJECTED, Map.of("balanced_accuracy", 0.4)));

    DemoSummary summary = DemoSummary.of(ledger.snapshot(), "v1", releases);

    assertThat(summary.promotionServed()).isFalse();
    assertThat(summary.decisionLines()).singleElement().asString()
        .contains("v2 REJECTED (from v1)", "0.500 -> 0.400");
  }

  @Test
  void shouldTakeNearestRankPercentiles() {
    long[] sorted = new long[100];
    for (int i = 0; i < 100; i++) {
      sorted[i] = i + 1;
    }
    assertThat(DemoSummary.percentile(sorted, 50)).isEqualTo(50);
    assertThat(DemoSummary.percentile(sorted, 99)).isEqualTo(99);
    assertThat(DemoSummary.percentile(new long[] {7}, 99)).isEqualTo(7);
    assertThat(DemoSummary.percentile(new long[0], 50)).isZero();
  }

  private void send(String id, DementiaStage truth) {
    ledger.sending(new StreamScan(id, "study", "series", "sub-0001", 0, 1, truth, Path.of(id + ".png")),
        0, false);
    ledger.acknowledged(id);
  }

  private static ScanOutcome.Predicted predicted(String id, String version, DementiaStage stage, long scanTs,
      long at) {
    float[] p = new float[4];
    p[stage.ordinal()] = 0.7f;
    for (int i = 0; i < 4; i++) {
      if (i != stage.ordinal()) {
        p[i] = 0.1f;
      }
    }
    return new ScanOutcome.Predicted(id, version, stage, p, scanTs, at, 1);
  }

  private static ReleaseEvent release(String version, String parent, ReleaseStatus status,
      Map<String, Double> metrics) {
    return new ReleaseEvent(version, parent, status, "test", metrics,
        parent == null ? Map.of() : Map.of("balanced_accuracy", 0.5), 0);
  }
}
