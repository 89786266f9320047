package io.neurostream.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import ai.djl.Device;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.training.DefaultTrainingConfig;
import ai.djl.training.GradientCollector;
import ai.djl.training.Trainer;
import ai.djl.training.loss.Loss;
import ai.djl.training.optimizer.Optimizer;
import ai.djl.training.tracker.Tracker;
import io.neurostream.imaging.GrayImage;
import io.neurostream.model.engine.ServingOptions;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The trainer trains on MXNet; the GPU image serves with DJL's PyTorch engine. A bundle trained on
 * MXNet must give the same probabilities on PyTorch: within {@link #TOLERANCE} for every class of
 * every image. Runs where both engines are on the class path: CI's {@code -Ppytorch} run, whose
 * default engine is PyTorch and which adds MXNet for this test (pom.xml); there it cannot skip.
 */
class CrossEngineParityTest {

  /** Largest allowed difference of any class probability between the engines. */
  static final float TOLERANCE = 1e-4f;
  static final int SEED = 12;

  @TempDir Path dir;

  @Test
  @Timeout(300)
  void shouldServeAnMxnetTrainedBundleOnPyTorchWithTheSameProbabilities() throws Exception {
    boolean pytorchRun = "PyTorch".equals(System.getProperty("neurostream.test.engine"));
    boolean both = Engine.hasEngine("MXNet") && Engine.hasEngine("PyTorch");
    if (pytorchRun) {
      assertThat(both).as("the -Ppytorch run has MXNet on its test class path (pom.xml)").isTrue();
    }
    assumeTrue(both, "needs both engines; CI's -Ppytorch run has them");
    System.out.println("CrossEngineParityTest seed " + SEED);

    // given a model trained for a few steps on MXNet (batch normalization statistics move too)
    ModelSpec spec = ModelSpec.builder().optDepth(50).optInputSize(64).optHiddenUnits(32).build();
    List<GrayImage> images = TestScans.images(8, 64, SEED);
    Path bundle = dir.resolve("mxnet-trained.bundle");
    List<ClassProbabilities> onMxnet;
    Engine.getEngine("MXNet").setRandomSeed(SEED);
    try (ScanClassifierModel mx =
        ScanClassifierModel.create(spec, Normalization.DEFAULT, Device.cpu(), "MXNet")) {
      // statistics as a trained network has them (fresh ones saturate the softmax of a deep
      // random network), then a few training steps that move them and every weight
      ServingPathParityTest.randomizeBatchNorm(mx, new java.util.Random(SEED));
      train(mx, images, 3);
      ModelBundle.write(mx, BundleMetadata.of(mx, "parity-mxnet", null, Map.of(),
          Map.of("purpose", "cross-engine parity")), bundle);
      try (BatchPredictor p = mx.newBatchPredictor(ServingOptions.reference())) {
        onMxnet = p.predictImages(images);
      }
    }
    assertThat(Files.size(bundle)).isPositive();

    // when the bundle is served on PyTorch
    List<ClassProbabilities> onPytorch;
    try (ScanClassifierModel pt = loadOn("PyTorch", bundle);
        BatchPredictor p = pt.newBatchPredictor()) {
      assertThat(pt.engineName()).isEqualTo("PyTorch");
      onPytorch = p.predictImages(images);
    }

    // then every probability agrees
    double max = 0;
    for (int i = 0; i < images.size(); i++) {
      float[] a = onMxnet.get(i).probabilities();
      float[] b = onPytorch.get(i).probabilities();
      for (int c = 0; c < a.length; c++) {
        max = Math.max(max, Math.abs(a[c] - b[c]));
      }
    }
    System.out.printf("MXNet -> PyTorch: max abs probability difference %.3g over %d images%n",
        max, images.size());
    assertThat(max).isLessThanOrEqualTo(TOLERANCE);
    // and the probabilities are not saturated, so a difference in the logits would show
    for (ClassProbabilities p : onMxnet) {
      for (float v : p.probabilities()) {
        assertThat(v).isBetween(1e-4f, 0.9999f);
      }
    }
  }

  /** Loads {@code bundle} on {@code engine}, which must be the default engine of this run. */
  private static ScanClassifierModel loadOn(String engine, Path bundle) {
    assertThat(Engine.getDefaultEngineName()).as("default engine of the -Ppytorch run")
        .isEqualTo(engine);
    return ModelBundle.load(bundle, Device.cpu());
  }

  /** A few SGD steps on the images with labels 0..3, all parameters trainable. */
  private static void train(ScanClassifierModel model, List<GrayImage> images, int steps) {
    ScanPreprocessor pre = new ScanPreprocessor(model.spec(), model.normalization());
    DefaultTrainingConfig config = new DefaultTrainingConfig(Loss.softmaxCrossEntropyLoss())
        .optOptimizer(Optimizer.sgd().setLearningRateTracker(Tracker.fixed(0.001f)).build());
    try (Trainer trainer = model.model().newTrainer(config);
        NDManager m = model.model().getNDManager().newSubManager()) {
      int per = pre.valuesPerImage();
      float[] x = new float[per * images.size()];
      float[] y = new float[images.size()];
      for (int i = 0; i < images.size(); i++) {
        pre.write(images.get(i), x, i * per);
        y[i] = i % ModelSpec.numClasses();
      }
      NDArray input = m.create(x, model.network().inputShape(images.size()));
      NDArray labels = m.create(y);
      for (int s = 0; s < steps; s++) {
        try (GradientCollector gc = trainer.newGradientCollector()) {
          NDList out = trainer.forward(new NDList(input));
          NDArray loss = trainer.getLoss().evaluate(new NDList(labels), out);
          gc.backward(loss);
        }
        trainer.step();
      }
    }
  }
}
