package io.neurostream.trainer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.neurostream.avro.DementiaStage;
import io.neurostream.avro.ModelRelease;
import io.neurostream.avro.Prediction;
import io.neurostream.avro.ReleaseStatus;
import io.neurostream.classifier.ClassifierService;
import io.neurostream.cli.NeuroStream;
import io.neurostream.platform.KafkaStack;
import io.neurostream.training.EvaluationMetrics;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The closed loop on one embedded stack, as it runs in production: two classifiers serve, labels
 * stream in, the trainer promotes a better model, rejects a worse one, and an operator rolls back.
 * The steps build on each other (the worse candidate is worse than what the first step promoted).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
@Timeout(value = 15, unit = TimeUnit.MINUTES)
class TrainerLoopIT {

  /** Labeled phantoms: 160 patients × 3 slices, all four stages equally often. */
  private static final int LABELS = 480;

  private Path dir;
  @RegisterExtension static final KafkaStack stack = KafkaStack.withRegistry();
  private ClassifierService classifierA;
  private ClassifierService classifierB;
  private TrainerService trainer;
  private Classifiers.VersionWatch served;
  private Path initialBundle;
  private String initialVersion;
  private String promotedVersion;
  private final List<PhantomScans.Slice> labeled = PhantomScans.slices(3, 160, 3, "lab");
  /** Later scans to classify, of other patients: 60 patients × 2 slices. */
  private final List<PhantomScans.Slice> later = PhantomScans.slices(5, 60, 2, "eval");

  @BeforeAll
  void startTheLoop(@TempDir Path dir) throws Exception {
    this.dir = dir;
    initialBundle = PhantomFixture.copy(PhantomFixture.freshHead(), dir.resolve("initial"));
    // with no release yet, the trainer publishes its bootstrap bundle: the weak initial model, a
    // backbone that has seen phantoms under an untrained head
    trainer = TrainerService.start(config(), new PrometheusMeterRegistry(PrometheusConfig.DEFAULT));
    try (ReleaseOperations ops = new ReleaseOperations(config())) {
      await().atMost(Duration.ofSeconds(60)).until(() -> ops.history().served().isPresent());
      ModelRelease first = ops.history().served().orElseThrow();
      assertThat(first.getReason()).startsWith("initial release from bundle");
      initialVersion = first.getVersion();
    }
    classifierA = Classifiers.start(stack, dir.resolve("classifiers"), "a");
    classifierB = Classifiers.start(stack, dir.resolve("classifiers"), "b");
    served = new Classifiers.VersionWatch(classifierA, classifierB);
  }

  private TrainerConfig config() {
    Map<String, String> t = new HashMap<>();
    t.put("trainer.min.new.labels", Integer.toString(LABELS));
    t.put("trainer.interval.minutes", "0");
    t.put("trainer.max.round.seconds", "150");
    t.put("trainer.epochs", "60");
    t.put("trainer.patience", "12");
    t.put("trainer.learning.rate", "0.01");
    t.put("trainer.promotion.min.improvement", "0.02");
    // the untrained head finds one class by chance; losing that chance hit is progress
    t.put("trainer.promotion.max.recall.drop", "0.5");
    t.put("trainer.device", "cpu");
    t.put("trainer.bootstrap.bundle", initialBundle.toString());
    return TestStack.trainerConfig(stack, dir.resolve("trainer"), t);
  }

  @AfterAll
  void stopTheLoop() {
    if (served != null) {
      served.close();
    }
    for (AutoCloseable c : new AutoCloseable[] {trainer, classifierA, classifierB, stack}) {
      try {
        if (c != null) {
          c.close();
        }
      } catch (Exception e) {
        System.err.println("closing " + c + ": " + e);
      }
    }
  }

  @Test
  @Order(1)
  void shouldPromoteACandidateThatClassifiesLaterScansBetter() {
    // given the initial model's predictions of the later scans
    PhantomScans.sendScans(stack, later, "before-");
    Map<String, Prediction> before = awaitPredictions("before-", later.size());
    assertThat(before.values()).allSatisfy(p -> assertThat(p.getModelVersion()).isEqualTo(initialVersion));

    // when the labels stream in
    PhantomScans.sendLabels(stack, labeled, PhantomScans.Slice::stage);

    // then the trainer fine-tunes and promotes a candidate
    ModelRelease release = awaitReleaseAfter(1);
    report("round 1", release);
    assertThat(release.getStatus()).isEqualTo(ReleaseStatus.PROMOTED);
    assertThat(release.getParentVersion()).isEqualTo(initialVersion);
    assertThat(release.getParentMetrics()).containsKey("balanced_accuracy");
    promotedVersion = release.getVersion();

    // and both classifiers serve it
    await().atMost(Duration.ofSeconds(60)).until(() -> servedBy(promotedVersion));

    // and the same scans, sent again, are classified better by it
    PhantomScans.sendScans(stack, later, "after-");
    Map<String, Prediction> after = awaitPredictions("after-", later.size());
    assertThat(after.values()).allSatisfy(p -> assertThat(p.getModelVersion()).isEqualTo(promotedVersion));
    EvaluationMetrics initialScore = PhantomScans.score(later, "before-", before);
    EvaluationMetrics promotedScore = PhantomScans.score(later, "after-", after);
    System.out.printf(Locale.ROOT, "[trainer-it] later scans (%d): balanced accuracy %.4f under %s, "
            + "%.4f under %s%n", later.size(), initialScore.balancedAccuracy(), initialVersion,
        promotedScore.balancedAccuracy(), promotedVersion);
    assertThat(promotedScore.balancedAccuracy()).isGreaterThan(initialScore.balancedAccuracy());
  }

  @Test
  @Order(2)
  void shouldRejectACandidateTrainedOnShuffledLabelsAndNeverServeIt() throws Exception {
    assumeTrue(promotedVersion != null, "needs the model promoted by the first step");
    // given every training and validation patient relabeled with another patient's stage
    PatientSplit split = config().split();
    List<String> patients = labeled.stream().map(PhantomScans.Slice::patient).distinct()
        .filter(p -> split.partOf(p) != PatientSplit.Part.HOLDOUT).toList();
    List<DementiaStage> stages = new ArrayList<>(patients.stream()
        .map(p -> labeled.stream().filter(s -> s.patient().equals(p)).findFirst().orElseThrow().stage())
        .toList());
    Collections.shuffle(stages, new Random(17));
    Map<String, DementiaStage> shuffled = new HashMap<>();
    for (int i = 0; i < patients.size(); i++) {
      shuffled.put(patients.get(i), stages.get(i));
    }
    List<PhantomScans.Slice> relabeled = labeled.stream().filter(s -> shuffled.containsKey(s.patient())).toList();
    PhantomScans.sendLabels(stack, relabeled, s -> shuffled.get(s.patient()));
    await().atMost(Duration.ofSeconds(60)).until(() -> ready(trainer));

    // when an operator asks for a round now (these labels alone would not start one)
    int code = NeuroStream.commandLine().execute("models", "train-now",
        "--trainer", "http://localhost:" + trainer.opsPort());
    assertThat(code).isZero();

    // then the candidate is rejected, with the reason, as an audit record
    ModelRelease release = awaitReleaseAfter(2);
    report("round 2 (shuffled labels)", release);
    assertThat(release.getStatus()).isEqualTo(ReleaseStatus.REJECTED);
    assertThat(release.getReason()).startsWith("rejected: ");
    assertThat(release.getParentVersion()).isEqualTo(promotedVersion);

    // and it is never served: scans sent now are still classified by the promoted model
    PhantomScans.sendScans(stack, later.subList(0, 16), "shuffled-");
    Map<String, Prediction> predictions = awaitPredictions("shuffled-", 16);
    assertThat(predictions.values()).allSatisfy(p -> assertThat(p.getModelVersion()).isEqualTo(promotedVersion));
    assertThat(served.seen).doesNotContain(release.getVersion());
    assertThat(PhantomScans.predictions(stack).values())
        .noneMatch(p -> p.getModelVersion().equals(release.getVersion()));
  }

  @Test
  @Order(3)
  void shouldServeTheRolledBackVersionOnEveryClassifierWithinTenSeconds() {
    assumeTrue(promotedVersion != null, "needs two promoted versions");
    // when an operator rolls back to the initial release
    int code = NeuroStream.commandLine().execute("models", "rollback", initialVersion,
        "--reason", "audit", "--bootstrap", stack.bootstrap(),
        "--registry", stack.registryUrl());
    long rolledBackAt = System.nanoTime();
    assertThat(code).isZero();

    // then every classifier serves it within 10 seconds
    await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(50))
        .until(() -> servedBy(initialVersion));
    System.out.printf(Locale.ROOT, "[trainer-it] rollback to %s served by both classifiers %d ms after "
        + "the command returned%n", initialVersion, (System.nanoTime() - rolledBackAt) / 1_000_000);

    // and the trainer now counts it as the served release
    try (ReleaseOperations ops = new ReleaseOperations(config())) {
      ReleaseHistory h = ops.history();
      assertThat(h.served()).map(ModelRelease::getVersion).hasValue(initialVersion);
      assertThat(h.find(promotedVersion)).map(ModelRelease::getStatus).hasValue(ReleaseStatus.ROLLED_BACK);
    }
    // and the history shows the whole story
    assertThat(NeuroStream.commandLine().execute("models", "list", "--bootstrap",
        stack.bootstrap(), "--registry", stack.registryUrl())).isZero();
  }

  private boolean servedBy(String version) {
    return classifierA.modelVersion().filter(version::equals).isPresent()
        && classifierB.modelVersion().filter(version::equals).isPresent();
  }

  private static boolean ready(TrainerService trainer) {
    try {
      var response = java.net.http.HttpClient.newHttpClient().send(
          java.net.http.HttpRequest.newBuilder(java.net.URI.create("http://localhost:" + trainer.opsPort() + "/ready")).build(),
          java.net.http.HttpResponse.BodyHandlers.ofString());
      return response.statusCode() == 200;
    } catch (Exception e) {
      return false;
    }
  }

  private Map<String, Prediction> awaitPredictions(String prefix, int count) {
    Map<String, Prediction> found = new HashMap<>();
    await().atMost(Duration.ofSeconds(120)).pollInterval(Duration.ofSeconds(1)).until(() -> {
      found.clear();
      PhantomScans.predictions(stack).forEach((k, v) -> {
        if (k.startsWith(prefix)) {
          found.put(k, v);
        }
      });
      return found.size() >= count;
    });
    assertThat(found).hasSize(count);
    return found;
  }

  /** Waits for the {@code n}-th release record after the initial one. */
  private ModelRelease awaitReleaseAfter(int n) {
    try (ReleaseOperations ops = new ReleaseOperations(config())) {
      List<ModelRelease> records = new ArrayList<>();
      await().atMost(Duration.ofMinutes(4)).pollInterval(Duration.ofSeconds(2)).until(() -> {
        records.clear();
        records.addAll(ops.history().records());
        return records.size() > n;
      });
      return records.get(n);
    }
  }

  private static void report(String what, ModelRelease r) {
    System.out.printf(Locale.ROOT, "[trainer-it] %s: %s %s in %s s; %s%n", what, r.getVersion(),
        r.getStatus(), r.getTrainingProvenance().get("trainer.round.seconds"), r.getReason());
  }
}
