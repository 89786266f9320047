package io.neurostream.model.engine;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;

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
  private final ExecutorService pool;
  private final ConcurrentLinkedQueue<ForwardPass> replicas = new ConcurrentLinkedQueue<>();
  private final ThreadLocal<ForwardPass> replica;
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
    this.replica = ThreadLocal.withInitial(() -> {
      ForwardPass p = factory.newReplica();
      replicas.add(p);
      return p;
    });
    if (workers == 1) {
      pool = null;
    } else {
      AtomicInteger n = new AtomicInteger();
      pool = Executors.newFixedThreadPool(workers, task -> {
        Thread t = new Thread(() -> {
          factory.configureThread(threadsPerWorker);
          task.run();
        }, "inference-worker-" + n.incrementAndGet());
        t.setDaemon(true);
        return t;
      });
    }
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
    if (pool == null || size < workers) {
      return share.run(0, size, replica.get());
    }
    List<Future<List<T>>> futures = new ArrayList<>(workers);
    int from = 0;
    for (int w = 0; w < workers; w++) {
      int to = from + (size - from) / (workers - w);
      int a = from;
      futures.add(pool.submit(() -> share.run(a, to, replica.get())));
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
   * by two threads at once. Call it before the first {@link #run}: a fixed pool starts a new
   * thread for each of its first tasks, so each warm-up task lands on a worker of its own.
   */
  public <T> void warmUp(int size, Share<T> share) {
    if (pool == null) {
      share.run(0, size, replica.get());
      return;
    }
    for (int w = 0; w < workers; w++) {
      try {
        pool.submit(() -> share.run(0, size, replica.get())).get();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException("interrupted while warming up inference workers", e);
      } catch (ExecutionException e) {
        throw e.getCause() instanceof RuntimeException re ? re
            : new IllegalStateException("warm-up failed: " + e.getCause(), e.getCause());
      }
    }
  }

  @Override
  public void close() {
    closed = true;
    if (pool != null) {
      pool.shutdown();
      try {
        pool.awaitTermination(30, java.util.concurrent.TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
    ForwardPass p;
    while ((p = replicas.poll()) != null) {
      p.close();
    }
    replica.remove();
  }
}
