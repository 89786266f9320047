package io.neurostream.model.engine;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * Data-parallel inference: a batch split into one share per worker, the shares run at once, each
 * on a worker thread with its own {@link ForwardPass} replica and {@code cores / workers}
 * operator threads, so that {@code workers × threads = cores}. A batch smaller than the number of
 * workers, or any batch with one worker, runs on the calling thread (with all the operator
 * threads the engine gives it) and that thread's own replica.
 *
 * <p>Why: MXNet runs a network operator by operator, and between (and inside) the small operators
 * of a ResNet most of its OpenMP threads wait; two halves of a batch on one core each keep both
 * cores busy where one batch on two cores kept about 1.1 busy (docs/benchmarks.md).
 *
 * <p>The worker threads belong to the process, not to one model: share {@code i} of every
 * instance runs on the same thread {@code inference-worker-i}, started on first use and kept.
 * A thread that runs MXNet operators gets native per-thread state (operator and MKLDNN caches,
 * OpenMP set-up) that is not given back when the thread ends, so a pool per model leaked about
 * 5 MiB per worker on every model swap (ClassifierHotSwapIT; issue 15). Replicas are per
 * instance and thread, and closed with the instance.
 */
public final class InferenceWorkers implements AutoCloseable {

  /** One share of a batch: images {@code [from, to)} through {@code pass}. */
  @FunctionalInterface
  public interface Share<T> {
    List<T> run(int from, int to, ForwardPass pass);
  }

  private final ForwardPass.Factory factory;
  private final int workers;
  private final int threadsPerWorker;
  /** Share {@code i} of every instance runs on {@code THREADS.get(i)}; grown on demand, kept. */
  private static final List<ExecutorService> THREADS = new ArrayList<>();

  /** The process's worker threads for {@code workers} shares, null for one share. */
  private final List<ExecutorService> threads;
  private final Map<Thread, ForwardPass> replicas = new ConcurrentHashMap<>();
  private volatile boolean closed;

  /**
   * @param factory the forward path
   * @param workers shares per batch (1: everything on the calling thread)
   * @param cores the cores to divide among the workers
   */
  public InferenceWorkers(ForwardPass.Factory factory, int workers, int cores) {
    if (workers < 1) {
      throw new IllegalArgumentException("workers must be at least 1, not " + workers);
    }
    this.factory = factory;
    this.workers = workers;
    this.threadsPerWorker = Math.max(1, cores / workers);
    this.threads = workers == 1 ? null : threads(workers);
  }

  /** The first {@code n} process-wide worker threads, started if need be. */
  private static synchronized List<ExecutorService> threads(int n) {
    while (THREADS.size() < n) {
      String name = "inference-worker-" + (THREADS.size() + 1);
      THREADS.add(Executors.newSingleThreadExecutor(task -> {
        Thread t = new Thread(task, name);
        t.setDaemon(true);
        return t;
      }));
    }
    return List.copyOf(THREADS.subList(0, n));
  }

  /** This instance's replica on the calling thread, made on first use. */
  private ForwardPass replica() {
    if (closed) {
      throw new IllegalStateException("these inference workers are closed");
    }
    return replicas.computeIfAbsent(Thread.currentThread(), t -> factory.newReplica());
  }

  /** Runs one share on worker thread {@code w}, with its operator threads set for this instance. */
  private <T> Future<List<T>> submit(int w, int from, int to, Share<T> share) {
    return threads.get(w).submit(() -> {
      factory.configureThread(threadsPerWorker);
      return share.run(from, to, replica());
    });
  }

  /** Workers per batch. */
  public int workers() {
    return workers;
  }

  /** Operator threads of each worker. */
  public int threadsPerWorker() {
    return threadsPerWorker;
  }

  /**
   * Runs a batch of {@code size} items as shares, and returns their results in order. An
   * exception of a share is rethrown as it was thrown (the first one, when several fail).
   */
  public <T> List<T> run(int size, Share<T> share) {
    if (closed) {
      throw new IllegalStateException("these inference workers are closed");
    }
    if (threads == null || size < workers) {
      return share.run(0, size, replica());
    }
    List<Future<List<T>>> futures = new ArrayList<>(workers);
    int from = 0;
    for (int w = 0; w < workers; w++) {
      int to = from + (size - from) / (workers - w);
      int a = from;
      futures.add(submit(w, a, to, share));
      from = to;
    }
    List<T> out = new ArrayList<>(size);
    RuntimeException failure = null;
    for (Future<List<T>> f : futures) {
      try {
        out.addAll(f.get());
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException("interrupted while waiting for inference workers", e);
      } catch (ExecutionException e) {
        if (failure == null) {
          failure = e.getCause() instanceof RuntimeException re ? re
              : new IllegalStateException("inference worker failed: " + e.getCause(), e.getCause());
        }
      }
    }
    if (failure != null) {
      throw failure;
    }
    return out;
  }

  /**
   * Makes every worker's replica now, one worker after the other, with a pass of {@code share}
   * over {@code size} items each: engines prepare weights on first use, which is best not done
   * by two threads at once. Call it before the first {@link #run}.
   */
  public <T> void warmUp(int size, Share<T> share) {
    if (threads == null) {
      share.run(0, size, replica());
      return;
    }
    for (int w = 0; w < workers; w++) {
      try {
        submit(w, 0, size, share).get();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException("interrupted while warming up inference workers", e);
      } catch (ExecutionException e) {
        throw e.getCause() instanceof RuntimeException re ? re
            : new IllegalStateException("warm-up failed: " + e.getCause(), e.getCause());
      }
    }
  }

  /**
   * Closes this instance's replicas; the worker threads stay for the next model. Call it once no
   * {@link #run} is in progress ({@code run} returns only after all its shares have).
   */
  @Override
  public void close() {
    closed = true;
    for (ForwardPass p : replicas.values()) {
      p.close();
    }
    replicas.clear();
  }
}
