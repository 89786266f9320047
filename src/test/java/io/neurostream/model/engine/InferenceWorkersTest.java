package io.neurostream.model.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/** Shares, order, replicas per thread and the worker threads that outlive a model. */
class InferenceWorkersTest {

  /** A factory whose replicas record the thread that made them and whether they were closed. */
  static final class Recording implements ForwardPass.Factory {
    final List<Replica> made = Collections.synchronizedList(new ArrayList<>());

    @Override
    public ForwardPass newReplica() {
      Replica r = new Replica(Thread.currentThread());
      made.add(r);
      return r;
    }

    @Override
    public String name() {
      return "recording";
    }
  }

  static final class Replica implements ForwardPass {
    final Thread owner;
    volatile boolean closed;

    Replica(Thread owner) {
      this.owner = owner;
    }

    @Override
    public float[] logits(float[] input, int offset, int batch) {
      return new float[batch];
    }

    @Override
    public String name() {
      return "recording";
    }

    @Override
    public void close() {
      closed = true;
    }
  }

  /** Runs a batch of {@code size}; each item comes back as its index, with the thread it ran on. */
  private static List<Integer> run(InferenceWorkers workers, int size, Set<Thread> ranOn) {
    return workers.run(size, (from, to, pass) -> {
      ranOn.add(Thread.currentThread());
      assertThat(((Replica) pass).owner).isSameAs(Thread.currentThread());
      return IntStream.range(from, to).boxed().toList();
    });
  }

  @Test
  void shouldReturnEveryShareInOrder() {
    try (InferenceWorkers workers = new InferenceWorkers(new Recording(), 2, 2)) {
      assertThat(run(workers, 7, ConcurrentHashMap.newKeySet()))
          .containsExactly(0, 1, 2, 3, 4, 5, 6);
    }
  }

  @Test
  void shouldRunTheNextModelOnTheSameWorkerThreadsAndCloseEachModelsReplicas() {
    Set<Thread> first = ConcurrentHashMap.newKeySet();
    Recording a = new Recording();
    try (InferenceWorkers workers = new InferenceWorkers(a, 2, 2)) {
      workers.warmUp(1, (from, to, pass) -> List.of());
      run(workers, 8, first);
    }
    assertThat(a.made).hasSize(2).allMatch(r -> r.closed);
    assertThat(first).hasSize(2).allMatch(Thread::isAlive);

    // a swap: the new model's shares run on the threads of the old one, which are still there
    Set<Thread> second = ConcurrentHashMap.newKeySet();
    Recording b = new Recording();
    try (InferenceWorkers workers = new InferenceWorkers(b, 2, 2)) {
      run(workers, 8, second);
    }
    assertThat(second).isEqualTo(first);
    assertThat(b.made).hasSize(2).allMatch(r -> r.closed);
  }

  @Test
  void shouldRunABatchSmallerThanTheWorkersOnTheCallingThread() {
    Set<Thread> ranOn = ConcurrentHashMap.newKeySet();
    try (InferenceWorkers workers = new InferenceWorkers(new Recording(), 2, 2)) {
      assertThat(run(workers, 1, ranOn)).containsExactly(0);
    }
    assertThat(ranOn).containsExactly(Thread.currentThread());
  }

  @Test
  void shouldRefuseABatchAfterClose() {
    InferenceWorkers workers = new InferenceWorkers(new Recording(), 2, 2);
    workers.close();
    assertThatThrownBy(() -> run(workers, 4, ConcurrentHashMap.newKeySet()))
        .isInstanceOf(IllegalStateException.class).hasMessageContaining("closed");
  }
}
