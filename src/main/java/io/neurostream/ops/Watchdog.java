package io.neurostream.ops;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.LongSupplier;
import java.util.function.Supplier;

/**
 * A service's liveness as a deadline on progress: the parts that must make progress report when
 * they are blocked (and when they are fine again), and {@code /live} turns false once one of them
 * has been blocked for longer than the deadline. An orchestrator then restarts the service, so no
 * stuck state needs a human to notice it; a blocked part that recovers within the deadline only
 * shows up in the {@code /live} body.
 *
 * <p>Parts either report events ({@link Part#blocked}, {@link Part#progressed}) or are polled
 * ({@link #watch}): a condition asked at every check, which is blocked while it returns a reason.
 * Thread-safe; parts are cheap to update on every record.
 */
public final class Watchdog implements HealthCheck {

  private final Duration deadline;
  private final LongSupplier nanoTime;
  private final List<Part> parts = new CopyOnWriteArrayList<>();
  private final List<Polled> polled = new CopyOnWriteArrayList<>();

  private record Polled(Part part, Supplier<Optional<String>> problem) {}

  /** A watchdog on the system clock. */
  public Watchdog(Duration deadline) {
    this(deadline, System::nanoTime);
  }

  /** A watchdog on {@code nanoTime} (tests move it by hand). */
  public Watchdog(Duration deadline, LongSupplier nanoTime) {
    if (deadline.isNegative() || deadline.isZero()) {
      throw new IllegalArgumentException("liveness deadline must be positive, got " + deadline);
    }
    this.deadline = deadline;
    this.nanoTime = nanoTime;
  }

  /** How long a part may stay blocked before {@code /live} turns false. */
  public Duration deadline() {
    return deadline;
  }

  /** A part that reports its own state, e.g. {@code "release-follower"}; it starts unblocked. */
  public Part part(String name) {
    Part part = new Part(name);
    parts.add(part);
    return part;
  }

  /**
   * A part whose state is asked at every check: blocked while {@code problem} returns a reason,
   * from the first check that saw it.
   */
  public void watch(String name, Supplier<Optional<String>> problem) {
    polled.add(new Polled(part(name), problem));
  }

  /** Down once a part has been blocked past the deadline; up otherwise, naming blocked parts. */
  @Override
  public Status check() {
    for (Polled p : polled) {
      Optional<String> problem;
      try {
        problem = p.problem().get();
      } catch (RuntimeException e) {
        problem = Optional.of("its check failed: " + e);
      }
      problem.ifPresentOrElse(p.part()::blocked, p.part()::progressed);
    }
    long now = nanoTime.getAsLong();
    List<String> late = new ArrayList<>();
    List<String> waiting = new ArrayList<>();
    for (Part part : parts) {
      Part.Block b = part.block;
      if (b == null) {
        continue;
      }
      long seconds = Duration.ofNanos(now - b.sinceNanos()).toSeconds();
      String line = part.name + " blocked for " + seconds + " s: " + b.reason();
      if (now - b.sinceNanos() >= deadline.toNanos()) {
        late.add(line);
      } else {
        waiting.add(line);
      }
    }
    if (!late.isEmpty()) {
      return Status.down(String.join("; ", late) + " (liveness deadline " + deadline.toSeconds()
          + " s passed; restart)");
    }
    return Status.up(waiting.isEmpty() ? "alive" : "alive; " + String.join("; ", waiting));
  }

  /** One part of a service that must make progress. */
  public final class Part {

    private record Block(long sinceNanos, String reason) {}

    private final String name;
    private volatile Block block;

    private Part(String name) {
      this.name = name;
    }

    /**
     * The part cannot go on, for {@code reason}; the deadline runs from the first call since it
     * last progressed (later calls only update the reason).
     */
    public void blocked(String reason) {
      Block b = block;
      block = new Block(b == null ? nanoTime.getAsLong() : b.sinceNanos(), reason);
    }

    /** The part made progress, or has nothing to do: the deadline stops running. */
    public void progressed() {
      block = null;
    }

    /** Whether the part is blocked now. */
    public boolean isBlocked() {
      return block != null;
    }

    public String name() {
      return name;
    }
  }
}
