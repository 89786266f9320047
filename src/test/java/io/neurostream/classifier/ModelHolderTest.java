package io.neurostream.classifier;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class ModelHolderTest {

  @Test
  void shouldRefuseABatchBeforeAnyModelIsLoaded() {
    ModelHolder holder = new ModelHolder();
    assertThatThrownBy(holder::acquire).hasMessageContaining("--model BUNDLE");
  }

  @Test
  void shouldKeepTheOldModelOpenUntilItsLastBatchEnds() {
    // given a batch running on v1
    FakeScanModel v1 = new FakeScanModel("v1");
    FakeScanModel v2 = new FakeScanModel("v2");
    ModelHolder holder = new ModelHolder(v1);
    ModelHolder.Lease running = holder.acquire();

    // when v2 is swapped in mid-batch
    holder.swap(v2);

    // then the running batch keeps v1, new batches get v2, and v1 closes after the batch
    assertThat(running.version()).isEqualTo("v1");
    assertThat(v1.closed).isFalse();
    try (ModelHolder.Lease next = holder.acquire()) {
      assertThat(next.version()).isEqualTo("v2");
    }
    running.close();
    assertThat(v1.closed).isTrue();
    assertThat(v2.closed).isFalse();
  }

  @Test
  void shouldCloseAReplacedModelAtOnceWhenNoBatchUsesIt() {
    FakeScanModel v1 = new FakeScanModel("v1");
    ModelHolder holder = new ModelHolder(v1);
    assertThat(holder.swap(new FakeScanModel("v2"))).contains("v1");
    assertThat(v1.closed).isTrue();
    assertThat(holder.version()).contains("v2");
  }

  @Test
  void shouldCloseTheModelOnlyOnceWhenALeaseIsClosedTwice() {
    FakeScanModel v1 = new FakeScanModel("v1");
    ModelHolder holder = new ModelHolder(v1);
    ModelHolder.Lease a = holder.acquire();
    ModelHolder.Lease b = holder.acquire();
    holder.swap(new FakeScanModel("v2"));
    a.close();
    a.close();
    assertThat(v1.closed).isFalse();
    b.close();
    assertThat(v1.closed).isTrue();
  }
}
