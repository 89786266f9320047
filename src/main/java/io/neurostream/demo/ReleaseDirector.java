package io.neurostream.demo;

import io.neurostream.avro.ReleaseStatus;
import io.neurostream.ops.Waiting;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * The demo's side of the release conversation with the trainer: it asks for fine-tune rounds,
 * reads the releases the outcome watcher hands over, announces them, and keeps the trainer's
 * fine-tune decisions and the role of each version (initial, fine-tune N) for the progress line
 * and the report.
 */
final class ReleaseDirector {
  private static final Duration SWAP_TIMEOUT = Duration.ofSeconds(90);
  private final DemoConsole out;
  private final Runnable askTrainer;
  private final ConcurrentLinkedQueue<ReleaseEvent> queue = new ConcurrentLinkedQueue<>();
  private final List<ReleaseEvent> decisions = new CopyOnWriteArrayList<>();
  private final Set<String> promoted = ConcurrentHashMap.newKeySet();
  private final Map<String, String> roles = new ConcurrentHashMap<>();
  private final List<DemoReport.Note> notes = new CopyOnWriteArrayList<>();
  private volatile int roundsRequested;

  /**
   * @param out the demo's console
   * @param askTrainer asks the trainer for one round
   */
  ReleaseDirector(DemoConsole out, Runnable askTrainer) {
    this.out = out;
    this.askTrainer = askTrainer;
  }

  /** Hands over a release as read from the topic (any thread); {@link #drain()} announces it. */
  void offer(ReleaseEvent release) {
    queue.add(release);
  }

  /** Names the role of a version, e.g. "initial". */
  void role(String version, String role) {
    roles.put(version, role);
  }

  /** Announces releases as they are read and keeps the fine-tune decisions. */
  synchronized void drain() {
    for (ReleaseEvent r; (r = queue.poll()) != null; ) {
      if (r.status() == ReleaseStatus.PROMOTED) {
        promoted.add(r.version());
      }
      if (!r.isFineTune()) {
        out.say("release " + r.version() + " " + r.status() + ": " + r.reason());
        continue;
      }
      decisions.add(r);
      roles.putIfAbsent(r.version(), "fine-tune " + decisions.size());
      String figures = r.balancedAccuracy().isPresent() && r.parentBalancedAccuracy().isPresent()
          ? String.format(Locale.ROOT, " (holdout balanced accuracy %.3f -> %.3f)",
              r.parentBalancedAccuracy().get(), r.balancedAccuracy().get())
          : "";
      out.say("trainer: fine-tuned " + r.version() + " " + r.status() + figures + ": " + r.reason());
      if (r.status() != ReleaseStatus.PROMOTED) {
        out.say("the candidate was not promoted; the classifier keeps serving " + r.parentVersion());
      }
    }
  }

  /** Whether a release promoting {@code version} has been read (drains first). */
  boolean promoted(String version) {
    drain();
    return promoted.contains(version);
  }

  /** Asks the trainer for the next round and notes it, with the labels there were, for the report. */
  void requestRound(long labels) {
    roundsRequested++;
    notes.add(new DemoReport.Note(System.currentTimeMillis(), "round " + roundsRequested + " requested ("
        + labels + " labels)"));
    askTrainer.run();
  }

  int roundsRequested() {
    return roundsRequested;
  }

  /**
   * Waits for the trainer's first fine-tune decision and, if it promoted, until the classifier
   * serves the new version; says so and goes on when either does not come in time.
   *
   * @param serving the version the classifier serves now (or null)
   * @param checkAbort throws when the run must stop
   * @param phase told what the demo waits for, for the progress line
   */
  void awaitFirstDecisionServed(Duration timeout, Supplier<String> serving, Runnable checkAbort,
      Consumer<String> phase) throws InterruptedException {
    Waiting.until(() -> {
      if (!decisions.isEmpty()) {
        return true;
      }
      checkAbort.run();
      return false;
    }, timeout);
    if (decisions.isEmpty()) {
      out.say("the trainer decided nothing within " + timeout.toSeconds() + " s (see " + out.logPath()
          + "); streaming the rest with the initial model");
      return;
    }
    ReleaseEvent first = decisions.get(0);
    if (first.status() == ReleaseStatus.PROMOTED) {
      phase.accept("waiting for the classifier to swap to " + first.version());
      boolean swapped = Waiting.until(() -> {
        if (first.version().equals(serving.get())) {
          return true;
        }
        checkAbort.run();
        return false;
      }, SWAP_TIMEOUT, Duration.ofMillis(50));
      if (!swapped) {
        out.say("the classifier has not swapped to " + first.version() + " within " + SWAP_TIMEOUT.toSeconds()
            + " s (see " + out.logPath() + "); streaming on");
      }
    }
  }

  boolean decided() {
    return !decisions.isEmpty();
  }

  /** "trainer: round N running" while a requested round has no decision yet, else empty. */
  String trainerNote() {
    return roundsRequested > decisions.size() ? "trainer: round " + roundsRequested + " running" : "";
  }

  /** The role of each version (live view), for the progress line. */
  Map<String, String> roles() {
    return roles;
  }

  /** The demo's round requests, to mark on the accuracy chart (live view). */
  List<DemoReport.Note> notes() {
    return notes;
  }
}
