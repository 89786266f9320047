package io.neurostream.classifier;

import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The model currently served, swappable while batches run. A batch takes a {@link Lease} and uses
 * that one model from start to end, so a swap lands between batches; the replaced model is closed
 * when its last lease is returned, which keeps native memory flat across swaps.
 */
public final class ModelHolder implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(ModelHolder.class);

  private final AtomicReference<Counted> current = new AtomicReference<>();

  public ModelHolder() {}

  /** A holder serving {@code initial} from the start. */
  public ModelHolder(ScanModel initial) {
    swap(initial);
  }

  /**
   * Takes the current model for one batch.
   *
   * @throws IllegalStateException if no model has been loaded yet
   */
  public Lease acquire() {
    while (true) {
      Counted c = current.get();
      if (c == null) {
        throw new IllegalStateException(
            "no model loaded yet; start with --model BUNDLE or publish a PROMOTED release");
      }
      if (c.retain()) {
        return new Lease(c);
      }
      // c was swapped out and released between get() and retain(); read the new one
    }
  }

  /** Serves {@code next} from the next batch on; returns the version it replaced, if any. */
  public Optional<String> swap(ScanModel next) {
    Counted old = current.getAndSet(new Counted(next));
    if (old == null) {
      LOG.info("model {} now serving", next.version());
      return Optional.empty();
    }
    LOG.info("model swapped: {} -> {} (old one closes after its last batch)",
        old.model.version(), next.version());
    old.release();
    return Optional.of(old.model.version());
  }

  /**
   * Serves {@code initial} only if nothing is served yet (a release may have won the race);
   * otherwise closes it.
   *
   * @return whether it is now served
   */
  public boolean offerInitial(ScanModel initial) {
    Counted c = new Counted(initial);
    if (current.compareAndSet(null, c)) {
      LOG.info("model {} now serving", initial.version());
      return true;
    }
    initial.close();
    return false;
  }

  /** The version served now, if any. */
  public Optional<String> version() {
    Counted c = current.get();
    return c == null ? Optional.empty() : Optional.of(c.model.version());
  }

  public boolean hasModel() {
    return current.get() != null;
  }

  /** Stops serving; the model is closed once in-flight batches return their leases. */
  @Override
  public void close() {
    Counted old = current.getAndSet(null);
    if (old != null) {
      old.release();
    }
  }

  /** One batch's hold on a model; close it when the batch is done. */
  public static final class Lease implements AutoCloseable {
    private final Counted counted;
    private boolean closed;

    private Lease(Counted counted) {
      this.counted = counted;
    }

    public ScanModel model() {
      return counted.model;
    }

    public String version() {
      return counted.model.version();
    }

    @Override
    public void close() {
      if (!closed) {
        closed = true;
        counted.release();
      }
    }
  }

  /** A model with a reference count: one for the holder, one per lease. */
  private static final class Counted {
    final ScanModel model;
    final AtomicInteger refs = new AtomicInteger(1);

    Counted(ScanModel model) {
      this.model = model;
    }

    boolean retain() {
      while (true) {
        int r = refs.get();
        if (r == 0) {
          return false;
        }
        if (refs.compareAndSet(r, r + 1)) {
          return true;
        }
      }
    }

    void release() {
      if (refs.decrementAndGet() == 0) {
        try {
          model.close();
          LOG.info("model {} closed", model.version());
        } catch (RuntimeException e) {
          LOG.warn("closing model {} failed: {}", model.version(), e.toString());
        }
      }
    }
  }
}
