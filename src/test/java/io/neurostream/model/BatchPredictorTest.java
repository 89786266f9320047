package io.neurostream.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.djl.Device;
import ai.djl.engine.Engine;
import io.neurostream.avro.ImageEncoding;
import io.neurostream.imaging.GrayImage;
import io.neurostream.imaging.ImageDecodeException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class BatchPredictorTest {

  static ScanClassifierModel model;
  static final List<GrayImage> IMAGES = TestScans.images(5, 64, 3);

  @BeforeAll
  static void createModel() {
    Engine.getInstance().setRandomSeed(5);
    model = ScanClassifierModel.create(TestScans.smallSpec(), Normalization.DEFAULT, Device.cpu());
  }

  @AfterAll
  static void closeModel() {
    model.close();
  }

  @Test
  void shouldReturnOneDistributionPerInputInOrder() {
    try (BatchPredictor predictor = model.newBatchPredictor()) {
      List<ClassProbabilities> batch = predictor.predictImages(IMAGES);

      assertThat(batch).hasSize(IMAGES.size());
      for (int i = 0; i < IMAGES.size(); i++) {
        ClassProbabilities single = predictor.predict(ScanInput.of(IMAGES.get(i)));
        float sum = 0;
        for (float p : batch.get(i).probabilities()) {
          sum += p;
        }
        assertThat(sum).isCloseTo(1f, org.assertj.core.data.Offset.offset(1e-5f));
        assertThat(single.predictedClass()).isEqualTo(batch.get(i).predictedClass());
        assertThat(single.probabilities()).containsExactly(batch.get(i).probabilities(),
            org.assertj.core.data.Offset.offset(1e-4f));
      }
    }
  }

  @Test
  void shouldCapForwardPassesByActivationSizeOnACpuOnly() {
    ModelSpec at128 = ModelSpec.builder().optDepth(18).optInputSize(128).build();
    ModelSpec at64 = ModelSpec.builder().optDepth(18).optInputSize(64).build();

    assertThat(BatchPredictor.maxForwardBatch(at128, Device.cpu())).isEqualTo(16);
    assertThat(BatchPredictor.maxForwardBatch(at64, Device.cpu())).isEqualTo(64);
    assertThat(BatchPredictor.maxForwardBatch(at128, Device.gpu())).isEqualTo(Integer.MAX_VALUE);
  }

  @Test
  void shouldRunABatchLargerThanOnePassAsSeveralWithTheSameResultsInOrder() {
    // given a model at 128 px, whose passes take 16 images on a CPU, and 21 different images
    ModelSpec spec = ModelSpec.builder().optDepth(18).optInputSize(128).optHiddenUnits(16).build();
    List<GrayImage> images = TestScans.images(21, 128, 9);
    Engine.getInstance().setRandomSeed(7);
    try (ScanClassifierModel big = ScanClassifierModel.create(spec, Normalization.DEFAULT, Device.cpu());
        BatchPredictor predictor = big.newBatchPredictor()) {
      assertThat(predictor.maxForwardBatch()).isEqualTo(16);

      // when they are classified as one batch
      List<ClassProbabilities> all = predictor.predictImages(images);

      // then each image gets what the pass it fell into gives it, in order
      List<ClassProbabilities> parts = new ArrayList<>(predictor.predictImages(images.subList(0, 16)));
      parts.addAll(predictor.predictImages(images.subList(16, 21)));
      assertThat(all).hasSize(21);
      for (int i = 0; i < 21; i++) {
        assertThat(all.get(i).probabilities()).containsExactly(parts.get(i).probabilities(),
            org.assertj.core.data.Offset.offset(1e-6f));
      }
    }
  }

  @Test
  void shouldDecodeEveryWireEncodingToTheSamePrediction() {
    GrayImage image = IMAGES.get(0);
    byte[] u8 = image.toU8();
    byte[] u16 = new byte[u8.length * 2];
    for (int i = 0; i < u8.length; i++) {
      int v = (u8[i] & 0xff) * 257;
      u16[2 * i] = (byte) v;
      u16[2 * i + 1] = (byte) (v >>> 8);
    }
    try (BatchPredictor predictor = model.newBatchPredictor()) {
      List<ClassProbabilities> out =
          predictor.predict(List.of(
              ScanInput.encoded(image.toPng(), ImageEncoding.PNG, 0, 0),
              ScanInput.encoded(u8, ImageEncoding.RAW_U8, 64, 64)));

      assertThat(out.get(0)).isEqualTo(out.get(1));
      ClassProbabilities raw16 = predictor.predict(ScanInput.encoded(u16, ImageEncoding.RAW_U16_LE, 64, 64));
      // RAW_U16 is min/max windowed, which z-scoring makes irrelevant up to rounding
      assertThat(raw16.probabilities()).containsExactly(out.get(0).probabilities(),
          org.assertj.core.data.Offset.offset(1e-3f));
    }
  }

  @Test
  void shouldFailOnUndecodableBytesWithTheDecodeError() {
    try (BatchPredictor predictor = model.newBatchPredictor()) {
      assertThatThrownBy(() -> predictor.predict(ScanInput.encoded(new byte[] {1, 2, 3}, ImageEncoding.PNG, 0, 0)))
          .isInstanceOf(ImageDecodeException.class);
    }
  }

  @Test
  void shouldServeManyThreadsWithIdenticalResults() throws Exception {
    ExecutorService pool = Executors.newFixedThreadPool(4);
    try (BatchPredictor predictor = model.newBatchPredictor()) {
      List<ClassProbabilities> expected = predictor.predictImages(IMAGES);
      List<Future<List<ClassProbabilities>>> futures = new ArrayList<>();
      for (int t = 0; t < 8; t++) {
        futures.add(pool.submit(() -> predictor.predictImages(IMAGES)));
      }
      for (Future<List<ClassProbabilities>> f : futures) {
        assertThat(f.get()).isEqualTo(expected);
      }
    } finally {
      pool.shutdown();
    }
  }

  @Test
  void shouldRefuseWorkAfterClose() {
    BatchPredictor predictor = model.newBatchPredictor();
    predictor.close();

    assertThatThrownBy(() -> predictor.predictImages(IMAGES)).isInstanceOf(IllegalStateException.class);
  }
}
