package io.neurostream.classifier;

import static org.assertj.core.api.Assertions.assertThat;

import io.neurostream.avro.ImageEncoding;
import io.neurostream.avro.ScanEvent;
import io.neurostream.imaging.LargePngs;
import io.neurostream.kafka.Topics;
import io.neurostream.platform.InMemoryRegistry;
import io.neurostream.serde.AvroSerdes;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.serialization.Serializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The per-batch pixel budget and the subsampled decoding of large slices (issue 13 B). */
class BatchInferenceTest {

  @RegisterExtension static final InMemoryRegistry registry = new InMemoryRegistry();

  private static TopologySettings settings(long maxPixels) {
    Map<String, String> m = new HashMap<>();
    m.put(TopologySettings.BATCH_MAX_PIXELS, Long.toString(maxPixels));
    return TopologySettings.from(m);
  }

  private static List<BufferedScan> buffered(List<ScanEvent> scans) {
    Serializer<ScanEvent> serializer =
        AvroSerdes.specific(ScanEvent.class, registry.serdeConfig(), false).serializer();
    List<BufferedScan> out = new ArrayList<>();
    long offset = 0;
    for (ScanEvent scan : scans) {
      out.add(new BufferedScan(Topics.SCANS.name(), 0, offset++, 1000L,
          scan.getIdentity().getSopInstanceUid().getBytes(),
          serializer.serialize(Topics.SCANS.name(), scan)));
    }
    return out;
  }

  private static BatchInference inference(TopologySettings settings, FakeScanModel model) {
    return new BatchInference(new ScanReader(Topics.SCANS.valueSerde(registry.serdeConfig()).deserializer(),
        settings), settings, new ModelHolder(model), ClassifierMetrics.discarding());
  }

  @Test
  void shouldInferABatchInPartsWhenItsImagesWouldHoldMoreThanTheBudget() {
    // given five 200x200 slices (40,000 pixels each) and a budget of 100,000 pixels
    List<ScanEvent> scans = new ArrayList<>();
    for (int i = 0; i < 5; i++) {
      scans.add(ClassifierScans.png(ClassifierScans.uid(i), 200, 0.1f * i));
    }
    FakeScanModel model = new FakeScanModel("v1");

    // when they are one batch
    List<BatchInference.Outcome> outcomes =
        inference(settings(100_000), model).run(buffered(scans), 5000L);

    // then every scan is predicted, in order, by inferences of at most two images
    assertThat(outcomes).allMatch(o -> o instanceof BatchInference.Predicted);
    assertThat(outcomes).extracting(o -> ((BatchInference.Predicted) o).key())
        .containsExactly(ClassifierScans.uid(0), ClassifierScans.uid(1), ClassifierScans.uid(2),
            ClassifierScans.uid(3), ClassifierScans.uid(4));
    assertThat(model.batchSizes).containsExactly(2, 2, 1);
  }

  @Test
  void shouldDeadLetterAScanWhoseImageAloneIsOverTheBudgetAndPredictTheOthers() {
    // given a 400x400 slice (160,000 pixels) between two small ones, budget 100,000 pixels
    List<ScanEvent> scans = List.of(ClassifierScans.png(ClassifierScans.uid(1), 100, 0.2f),
        ClassifierScans.png(ClassifierScans.uid(2), 400, 0.2f),
        ClassifierScans.png(ClassifierScans.uid(3), 100, 0.2f));

    List<BatchInference.Outcome> outcomes =
        inference(settings(100_000), new FakeScanModel("v1")).run(buffered(scans), 5000L);

    assertThat(outcomes.get(0)).isInstanceOf(BatchInference.Predicted.class);
    assertThat(outcomes.get(2)).isInstanceOf(BatchInference.Predicted.class);
    BatchInference.Failed failed = (BatchInference.Failed) outcomes.get(1);
    assertThat(failed.why().errorType()).isEqualTo("OVER_PIXEL_BUDGET");
    assertThat(failed.why().message()).contains("400x400 = 160000 pixels")
        .contains("batch.max.pixels=100000").contains("downscale the slice");
  }

  @Test
  void shouldDecodeALargeValidPngToAtMostTwiceTheKeptSidePerAxis() {
    // given a 4096 x 4096 16-bit RGBA PNG, the slice that once crash-looped the classifier
    byte[] png = LargePngs.rgba16(4096, 4096, 5);
    ScanEvent big = ClassifierScans.scan(ClassifierScans.uid(9), ImageEncoding.PNG, 4096, 4096, png);
    FakeScanModel model = new FakeScanModel("v1");
    List<Integer> sides = new ArrayList<>();
    FakeScanModel recording = new FakeScanModel("v1", img -> {
      sides.add(img.width());
      sides.add(img.height());
      return false;
    });

    List<BatchInference.Outcome> outcomes =
        inference(TopologySettings.defaults(), recording).run(buffered(List.of(big)), 5000L);

    assertThat(outcomes.get(0)).isInstanceOf(BatchInference.Predicted.class);
    assertThat(sides).containsExactly(512, 512);
    assertThat(model.calls).hasValue(0);
  }
}
