package io.neurostream.classifier;

import static org.assertj.core.api.Assertions.assertThat;

import io.neurostream.avro.ImageEncoding;
import io.neurostream.avro.ScanEvent;
import io.neurostream.imaging.DicomTools;
import io.neurostream.imaging.DicomWriter;
import io.neurostream.imaging.GrayImage;
import io.neurostream.imaging.LargePngs;
import io.neurostream.imaging.TransferSyntax;
import io.neurostream.kafka.Topics;
import io.neurostream.platform.InMemoryRegistry;
import io.neurostream.serde.AvroSerdes;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.serialization.Serializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

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

  @Test
  void shouldDeadLetterDicomInASyntaxWithoutADecoderNamingTheSyntaxAndTheFix(@TempDir Path dir)
      throws Exception {
    // given DICOM scans that another producer published as made by dcmtk: JPEG-LS, and lossy JPEG
    // of 12-bit precision, between two it can read
    Path original = DicomTools.write(dir.resolve("original.dcm"),
        DicomWriter.builder().build().write(gradient(64, 48)));
    byte[] jpegLs = Files.readAllBytes(DicomTools.jpegLs().apply(original, dir.resolve("ls.dcm")));
    byte[] jpeg12 = Files.readAllBytes(DicomTools.jpegExtended().apply(original,
        dir.resolve("extended12.dcm")));
    byte[] lossless = Files.readAllBytes(DicomTools.sixteenBit().stream()
        .filter(t -> t.syntax() == TransferSyntax.JPEG_LOSSLESS_SV1).findFirst().orElseThrow()
        .apply(original, dir.resolve("lossless.dcm")));
    List<ScanEvent> scans = List.of(
        ClassifierScans.scan(ClassifierScans.uid(1), ImageEncoding.DICOM, 64, 48, lossless),
        ClassifierScans.scan(ClassifierScans.uid(2), ImageEncoding.DICOM, 64, 48, jpegLs),
        ClassifierScans.scan(ClassifierScans.uid(3), ImageEncoding.DICOM, 64, 48, jpeg12),
        ClassifierScans.scan(ClassifierScans.uid(4), ImageEncoding.DICOM, 64, 48,
            Files.readAllBytes(original)));

    List<BatchInference.Outcome> outcomes =
        inference(TopologySettings.defaults(), new FakeScanModel("v1")).run(buffered(scans), 5000L);

    // then those two are dead letters whose reason names the syntax and the transcoding
    assertThat(outcomes.get(0)).isInstanceOf(BatchInference.Predicted.class);
    assertThat(outcomes.get(3)).isInstanceOf(BatchInference.Predicted.class);
    BatchInference.Failed ls = (BatchInference.Failed) outcomes.get(1);
    assertThat(ls.why().errorType()).isEqualTo("UNSUPPORTED_TRANSFER_SYNTAX");
    assertThat(ls.why().message()).contains("1.2.840.10008.1.2.4.80", "JPEG-LS", "dcmdjpls",
        "gdcmconv --raw");
    BatchInference.Failed twelve = (BatchInference.Failed) outcomes.get(2);
    assertThat(twelve.why().errorType()).isEqualTo("UNSUPPORTED_TRANSFER_SYNTAX");
    assertThat(twelve.why().message()).contains("JPEG Extended", "precision 12", "dcmdjpeg",
        "gdcmconv --raw");
  }

  static GrayImage gradient(int w, int h) {
    float[] p = new float[w * h];
    for (int i = 0; i < p.length; i++) {
      p[i] = (float) (i % w) / w * 0.5f + (float) (i / w) / h * 0.5f;
    }
    return new GrayImage(w, h, p);
  }
}
