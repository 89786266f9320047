package io.neurostream.bench;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.Device;
import io.neurostream.model.BundleMetadata;
import io.neurostream.model.ModelBundle;
import io.neurostream.model.ModelSpec;
import io.neurostream.model.Normalization;
import io.neurostream.model.ScanClassifierModel;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** {@code bench pipeline} end to end on a small network: it runs, and its figures hang together. */
@Timeout(value = 8, unit = TimeUnit.MINUTES)
class PipelineBenchmarkIT {

  @TempDir Path dir;

  @Test
  void shouldMeasureRawAndPipelineAlternatelyAndLatencyAtHalfThePipelineRate() throws Exception {
    // given a small bundle
    ModelSpec spec = ModelSpec.builder().optDepth(18).optInputSize(48).optHiddenUnits(16).build();
    Path bundle = dir.resolve("bench.bundle");
    try (ScanClassifierModel m = ScanClassifierModel.create(spec, Normalization.DEFAULT, Device.cpu())) {
      ModelBundle.write(m, BundleMetadata.of(m, "bench-it", null, Map.of(), Map.of()), bundle);
    }
    List<String> progress = new ArrayList<>();

    // when
    PipelineBenchmark.Result r = PipelineBenchmark.run(
        new PipelineBenchmark.Options(bundle, 48, 12, 8, 1, 2, dir.resolve("work")), progress::add);

    // then
    assertThat(r.raw()).hasSize(2);
    assertThat(r.pipeline()).hasSize(2);
    for (double v : r.raw()) {
      assertThat(v).isPositive().isFinite();
    }
    for (double v : r.pipeline()) {
      assertThat(v).isPositive().isFinite();
    }
    assertThat(r.p50Ms()).isPositive().isLessThanOrEqualTo(r.p99Ms());
    assertThat(r.meanBatch()).isBetween(1.0, 8.0);
    // each repeat reports the raw and pipeline figures it measured, in the order they ran
    for (int i = 0; i < 2; i++) {
      String raw = String.format(Locale.ROOT, "%d/2: raw %.1f scans/s", i + 1, r.raw()[i]);
      String pipeline = String.format(Locale.ROOT, "pipeline %.1f scans/s", r.pipeline()[i]);
      assertThat(progress).anyMatch(line -> line.startsWith(raw) && line.contains(pipeline));
    }
    assertThat(progress).anyMatch(line -> line.startsWith("latency at "));
  }
}
