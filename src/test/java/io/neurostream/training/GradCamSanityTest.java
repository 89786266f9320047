package io.neurostream.training;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.Device;
import ai.djl.engine.Engine;
import io.neurostream.avro.DementiaStage;
import io.neurostream.imaging.GrayImage;
import io.neurostream.model.GradCam;
import io.neurostream.model.ModelBundle;
import io.neurostream.model.ModelSpec;
import io.neurostream.model.Normalization;
import io.neurostream.model.ScanClassifierModel;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Do the Grad-CAM maps mean something? A network is trained on phantoms where one class carries a
 * bright marker at a known place and the other does not; (a) its maps of the marker class must put
 * their mass on the marker, and (b) a network of the same architecture with random weights must
 * give different maps (the model-randomisation sanity check of Adebayo et al. 2018).
 */
@Timeout(value = 15, unit = TimeUnit.MINUTES)
class GradCamSanityTest {

  static final int SIZE = 96;
  /** The marker: a checkerboard square in the top-left corner (a ninth of the slice's area). */
  static final int MARKER_X = 4;
  static final int MARKER_Y = 4;
  static final int MARKER = 32;
  static final long SEED = Long.getLong("neurostream.test.seed", 20261202L);
  static final ModelSpec SPEC = ModelSpec.builder().optDepth(18).optInputSize(SIZE)
      .optHiddenUnits(32).optDropout(0f).build();

  @TempDir static Path dir;
  static ScanClassifierModel trained;
  static List<GrayImage> marked;

  /**
   * A phantom-like slice: an ellipse of tissue with noise, and a square of the same mean
   * brightness in both classes. In the marker class it is a checkerboard at the known place; in
   * the other it is plain and lies elsewhere, so neither brightness nor the image statistics give
   * the class away: only the marker does.
   */
  static GrayImage slice(Random random, boolean marker) {
    float[] px = new float[SIZE * SIZE];
    double cx = SIZE / 2.0 + 6 * random.nextGaussian();
    double cy = SIZE / 2.0 + 6 * random.nextGaussian();
    double rx = SIZE * (0.28 + 0.06 * random.nextDouble());
    double ry = SIZE * (0.32 + 0.06 * random.nextDouble());
    // the plain square of the other class: somewhere in the lower right
    int sx = marker ? MARKER_X : 44 + random.nextInt(SIZE - 44 - MARKER);
    int sy = marker ? MARKER_Y : 44 + random.nextInt(SIZE - 44 - MARKER);
    for (int y = 0; y < SIZE; y++) {
      for (int x = 0; x < SIZE; x++) {
        double d = Math.pow((x - cx) / rx, 2) + Math.pow((y - cy) / ry, 2);
        double v = (d < 1 ? 0.45 + 0.1 * Math.sin(x * 0.4) * Math.cos(y * 0.3) : 0.05)
            + 0.04 * random.nextGaussian();
        if (x >= sx && x < sx + MARKER && y >= sy && y < sy + MARKER) {
          boolean bright = ((x - sx) / 4 + (y - sy) / 4) % 2 == 0;
          v = marker ? (bright ? 0.95 : 0.45) : 0.70;
        }
        px[y * SIZE + x] = (float) Math.max(0, Math.min(1, v));
      }
    }
    return new GrayImage(SIZE, SIZE, px);
  }

  static List<TrainingExample> examples(int perClass, Random random, String prefix) {
    List<TrainingExample> out = new ArrayList<>();
    for (int k = 0; k < perClass; k++) {
      out.add(new TrainingExample(slice(random, false), DementiaStage.Non_Demented, prefix + "n" + k));
      out.add(new TrainingExample(slice(random, true), DementiaStage.Mild_Demented, prefix + "m" + k));
    }
    return out;
  }

  @BeforeAll
  static void train() {
    System.out.println("GradCamSanityTest seed " + SEED + " (repeat with -Dneurostream.test.seed="
        + SEED + ")");
    Random random = new Random(SEED);
    TrainingData data = new TrainingData(examples(40, random, "t"), examples(10, random, "v"),
        List.of(), "marker phantoms", Map.of("source", "GradCamSanityTest"));
    TrainingResult result = Training.run(TrainingOptions.builder()
        .setOutput(dir.resolve("marker.bundle"))
        .optSpec(SPEC)
        .optEpochs(4)
        .optBatchSize(16)
        .optPatience(4)
        .optLearningRate(1e-3f)
        .optSeed(SEED)
        .optAugmentation(Augmentation.NONE)
        .optProgress(System.err)
        .build(), data);
    assertThat(result.validation().balancedAccuracy())
        .as("the marker is learnable; without it the maps mean nothing").isGreaterThan(0.9);
    trained = ModelBundle.open(result.bundle()).load(Device.cpu());
    Random held = new Random(SEED + 1);
    marked = new ArrayList<>();
    for (int i = 0; i < 8; i++) {
      marked.add(slice(held, true));
    }
  }

  @AfterAll
  static void close() {
    if (trained != null) {
      trained.close();
    }
  }

  /** Mean map value over the marker divided by the mean over the whole slice. */
  static double markerRatio(GradCam.Map map) {
    float[] up = map.upsample(SIZE, SIZE);
    double all = 0;
    double onMarker = 0;
    for (int y = 0; y < SIZE; y++) {
      for (int x = 0; x < SIZE; x++) {
        double v = up[y * SIZE + x];
        all += v;
        if (x >= MARKER_X && x < MARKER_X + MARKER && y >= MARKER_Y && y < MARKER_Y + MARKER) {
          onMarker += v;
        }
      }
    }
    if (all == 0) {
      return 0;
    }
    return (onMarker / (MARKER * MARKER)) / (all / (SIZE * SIZE));
  }

  static double correlation(float[] a, float[] b) {
    double ma = 0;
    double mb = 0;
    for (int i = 0; i < a.length; i++) {
      ma += a[i];
      mb += b[i];
    }
    ma /= a.length;
    mb /= b.length;
    double sab = 0;
    double saa = 0;
    double sbb = 0;
    for (int i = 0; i < a.length; i++) {
      sab += (a[i] - ma) * (b[i] - mb);
      saa += (a[i] - ma) * (a[i] - ma);
      sbb += (b[i] - mb) * (b[i] - mb);
    }
    return saa == 0 || sbb == 0 ? 0 : sab / Math.sqrt(saa * sbb);
  }

  @Test
  void shouldConcentrateTheMarkerClassMapOnTheMarker() {
    int mild = DementiaStage.Mild_Demented.ordinal();
    double sum = 0;
    for (GrayImage image : marked) {
      GradCam.Map map = GradCam.of(trained, image, mild);
      assertThat(map.probability()).isGreaterThan(0.5f);
      sum += markerRatio(map);
    }
    double ratio = sum / marked.size();
    System.out.printf(Locale.ROOT, "Grad-CAM marker test: map mean on the marker / map mean over "
        + "the slice = %.2f (1 = no concentration, %.1f = all mass on the marker)%n", ratio,
        (double) SIZE * SIZE / (MARKER * MARKER));
    // the map's mean on the marker is well above its mean over the slice (1 would be no
    // concentration at all; the receptive fields of a 6 x 6 grid blur it over neighbouring cells)
    assertThat(ratio).isGreaterThan(1.5);
  }

  @Test
  void shouldGiveOtherMapsWhenTheWeightsAreRandomised() {
    int mild = DementiaStage.Mild_Demented.ordinal();
    Engine.getInstance().setRandomSeed((int) SEED + 7);
    try (ScanClassifierModel random = ScanClassifierModel.create(SPEC, trained.normalization(),
        Device.cpu())) {
      double corr = 0;
      double trainedRatio = 0;
      double randomRatio = 0;
      for (GrayImage image : marked) {
        GradCam.Map a = GradCam.of(trained, image, mild);
        GradCam.Map b = GradCam.of(random, image, mild);
        corr += correlation(a.upsample(SIZE, SIZE), b.upsample(SIZE, SIZE));
        trainedRatio += markerRatio(a);
        randomRatio += markerRatio(b);
      }
      corr /= marked.size();
      trainedRatio /= marked.size();
      randomRatio /= marked.size();
      System.out.printf(Locale.ROOT, "Grad-CAM randomisation test: correlation of trained and "
          + "randomised maps %.2f; marker ratio %.2f trained, %.2f randomised%n", corr,
          trainedRatio, randomRatio);
      // a method that ignores the weights would give the same maps (correlation near 1). The
      // marker ratios are printed, not compared: a network with random weights may still be drawn
      // to the checkerboard's high-contrast edges (Adebayo et al. saw randomised networks' maps
      // look like edge detectors; measured here 2.5 on MXNet, 1.1 on PyTorch, against 2.0 and 2.7
      // trained), so what the check can show is that the maps depend on the learned weights
      assertThat(corr).isLessThan(0.8);
    }
  }

  @Test
  void shouldGiveEachSliceTheSameMapInOneBatchAsAlone() {
    // given: slices of both classes explained together, as a verdict's supporting slices are
    int mild = DementiaStage.Mild_Demented.ordinal();
    Random random = new Random(SEED + 11);
    List<GrayImage> slices = List.of(marked.get(0), slice(random, false), marked.get(1));
    // when
    List<GradCam.Map> batch = GradCam.of(trained, slices, mild);
    // then: every map is the one the slice gets alone (the slices do not influence each other)
    assertThat(batch).hasSize(slices.size());
    for (int i = 0; i < slices.size(); i++) {
      GradCam.Map alone = GradCam.of(trained, slices.get(i), mild);
      assertThat(batch.get(i).probability()).isCloseTo(alone.probability(),
          org.assertj.core.data.Offset.offset(1e-5f));
      assertThat(batch.get(i).values()).containsExactly(alone.values(),
          org.assertj.core.data.Offset.offset(1e-4f));
    }
  }
}
