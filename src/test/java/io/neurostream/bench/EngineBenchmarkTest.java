package io.neurostream.bench;

import io.neurostream.model.ModelSpec;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class EngineBenchmarkTest {

  @Test
  void shouldReportOneRowPerBatchSizeWithMedianBetweenMinAndMax() {
    // given a small network
    ModelSpec spec = ModelSpec.builder().optDepth(18).optInputSize(48).optHiddenUnits(16).build();
    List<String> progress = new ArrayList<>();

    // when
    EngineBenchmark.Result result = EngineBenchmark.run(
        new EngineBenchmark.Options(spec, List.of(1, 4), 3, 1, "cpu", true), progress::add);

    // then: the classifier's path, and the network alone beside it
    List<EngineBenchmark.Row> rows = result.rows();
    assertThat(rows).extracting(EngineBenchmark.Row::batchSize).containsExactly(1, 4);
    for (EngineBenchmark.Row row : rows) {
      assertThat(row.medianMs()).isPositive().isBetween(row.minMs(), row.maxMs());
      assertThat(row.imagesPerSecond()).isCloseTo(row.batchSize() * 1000.0 / row.medianMs(),
          org.assertj.core.data.Offset.offset(1e-6));
      assertThat(row.forwardImagesPerSecond()).isPositive();
      assertThat(row.cpuMsPerImage()).isPositive();
      assertThat(row.coresBusy()).isPositive();
    }
    assertThat(result.servingPath()).isNotBlank();
    // one line naming the serving path, one per batch size
    assertThat(progress).hasSize(3);
  }

  @Test
  void shouldRunWorkOnAThreadOfItsOwnAndPassItsFailureOn() {
    Thread caller = Thread.currentThread();

    assertThat(EngineBenchmark.onOwnThread("bench-test", Thread::currentThread))
        .isNotSameAs(caller)
        .extracting(Thread::getName).isEqualTo("bench-test");
    assertThatThrownBy(() -> EngineBenchmark.onOwnThread("bench-test", () -> {
      throw new IllegalArgumentException("no such batch size");
    })).isInstanceOf(IllegalArgumentException.class).hasMessage("no such batch size");
  }

  @Test
  void shouldTakeTheMiddleValueOrTheMeanOfTheMiddleTwo() {
    assertThat(EngineBenchmark.median(new double[] {5, 1, 3})).isEqualTo(3);
    assertThat(EngineBenchmark.median(new double[] {4, 1, 3, 2})).isEqualTo(2.5);
  }
}
