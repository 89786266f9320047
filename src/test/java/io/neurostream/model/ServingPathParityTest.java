package io.neurostream.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.djl.Device;
import ai.djl.engine.Engine;
import ai.djl.nn.Parameter;
import io.neurostream.avro.ImageEncoding;
import io.neurostream.imaging.GrayImage;
import io.neurostream.imaging.ImageDecodeException;
import io.neurostream.model.engine.ServingOptions;
import io.neurostream.model.engine.ServingOptions.Graph;
import java.nio.FloatBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Every optimised serving path gives the reference path's predictions: the imperative network
 * with one worker is the reference; the engine's compiled graph (batch normalization folded,
 * fused) and data-parallel workers must agree with it within {@link #TOLERANCE} in every
 * probability, batch by batch, in order. The batch-normalization statistics are randomized so
 * that folding them is exercised (fresh ones are the identity).
 */
class ServingPathParityTest {

  /** Largest allowed difference of any class probability from the reference path's. */
  static final float TOLERANCE = 1e-5f;
  static final long SEED = 20261202L;

  static ScanClassifierModel model;
  static final List<GrayImage> IMAGES = TestScans.images(11, 64, 17);

  @BeforeAll
  static void createModel() {
    System.out.println("ServingPathParityTest seed " + SEED);
    Engine.getInstance().setRandomSeed((int) SEED);
    ModelSpec spec = ModelSpec.builder().optDepth(50).optInputSize(64).optHiddenUnits(32).build();
    model = ScanClassifierModel.create(spec, Normalization.DEFAULT, Device.cpu());
    randomizeBatchNorm(model, new Random(SEED));
  }

  @AfterAll
  static void closeModel() {
    model.close();
  }

  /** Running statistics, scale and shift as training would leave them: not the identity. */
  static void randomizeBatchNorm(ScanClassifierModel m, Random random) {
    for (var e : m.network().getParameters()) {
      String name = e.getKey();
      Parameter p = e.getValue();
      int n = (int) p.getArray().size();
      float[] v = new float[n];
      for (int i = 0; i < n; i++) {
        if (name.endsWith("runningMean") || name.endsWith("beta")) {
          v[i] = (float) (0.1 * random.nextGaussian());
        } else if (name.endsWith("runningVar")) {
          v[i] = (float) (0.5 + 1.5 * random.nextDouble());
        } else if (name.endsWith("gamma")) {
          v[i] = (float) (0.2 + 0.4 * random.nextDouble());
        } else {
          break;
        }
      }
      if (name.endsWith("runningMean") || name.endsWith("beta") || name.endsWith("runningVar")
          || name.endsWith("gamma")) {
        p.getArray().set(FloatBuffer.wrap(v));
      }
    }
  }

  static List<ClassProbabilities> predict(ServingOptions options, List<GrayImage> images) {
    try (BatchPredictor p = model.newBatchPredictor(options)) {
      return p.predictImages(images);
    }
  }

  static void assertSame(List<ClassProbabilities> got, List<ClassProbabilities> want) {
    assertThat(got).hasSameSizeAs(want);
    for (int i = 0; i < want.size(); i++) {
      assertThat(got.get(i).probabilities()).as("image %d", i)
          .containsExactly(want.get(i).probabilities(), org.assertj.core.data.Offset.offset(TOLERANCE));
    }
  }

  @Test
  void shouldServeTheEnginesCompiledGraphWhereThereIsOneAndThePortablePathElsewhere() {
    try (BatchPredictor p = model.newBatchPredictor(new ServingOptions(Graph.AUTO, 1))) {
      if (model.engineName().equals("MXNet")) {
        assertThat(p.servingPath()).startsWith("mxnet-graph");
      } else {
        assertThat(p.servingPath()).startsWith("imperative");
      }
    }
  }

  @Test
  void shouldPredictWhatTheReferencePathPredictsOnEveryPathAndWorkerCount() {
    // given the reference: the imperative network, one worker
    List<ClassProbabilities> reference = predict(ServingOptions.reference(), IMAGES);
    // the probabilities are not saturated, so a difference in the logits would show
    for (float p : reference.get(0).probabilities()) {
      assertThat(p).isBetween(1e-4f, 0.9999f);
    }

    for (Graph graph : List.of(Graph.AUTO, Graph.IMPERATIVE)) {
      for (int workers : List.of(1, 2, 3)) {
        // when the same batch goes through each path
        List<ClassProbabilities> got = predict(new ServingOptions(graph, workers), IMAGES);

        // then
        assertSame(got, reference);
      }
    }
  }

  @Test
  void shouldGiveEachImageTheSameResultAloneAndInAnySplitOfTheBatch() {
    try (BatchPredictor p = model.newBatchPredictor(new ServingOptions(Graph.AUTO, 2))) {
      List<ClassProbabilities> all = p.predictImages(IMAGES);
      List<ClassProbabilities> parts = new ArrayList<>(p.predictImages(IMAGES.subList(0, 1)));
      parts.addAll(p.predictImages(IMAGES.subList(1, 6)));
      parts.addAll(p.predictImages(IMAGES.subList(6, 11)));
      assertSame(parts, all);
    }
  }

  @Test
  void shouldRefuseACompiledGraphTheEngineDoesNotHaveWithTheFix() {
    if (model.engineName().equals("MXNet")) {
      try (BatchPredictor p = model.newBatchPredictor(new ServingOptions(Graph.COMPILED, 1))) {
        assertThat(p.servingPath()).startsWith("mxnet-graph");
      }
    } else {
      assertThatThrownBy(() -> model.newBatchPredictor(new ServingOptions(Graph.COMPILED, 1)))
          .isInstanceOf(IllegalStateException.class)
          .hasMessageContaining("no compiled graph for " + model.engineName())
          .hasMessageContaining("use inference graph auto or imperative");
    }
  }

  @Test
  void shouldPassAWorkersDecodeErrorOnAsItWas() {
    GrayImage good = IMAGES.get(0);
    try (BatchPredictor p = model.newBatchPredictor(new ServingOptions(Graph.AUTO, 2))) {
      List<ScanInput> inputs = List.of(ScanInput.of(good), ScanInput.of(good),
          ScanInput.of(good), ScanInput.encoded(new byte[] {1, 2, 3}, ImageEncoding.PNG, 0, 0));

      assertThatThrownBy(() -> p.predict(inputs)).isInstanceOf(ImageDecodeException.class);
      // and the workers still serve afterwards
      assertThat(p.predictImages(List.of(good, good, good))).hasSize(3);
    }
  }
}
