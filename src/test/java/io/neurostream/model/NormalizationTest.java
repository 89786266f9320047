package io.neurostream.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.neurostream.imaging.GrayImage;
import org.junit.jupiter.api.Test;

class NormalizationTest {

  @Test
  void shouldStandardizeEachImageToZeroMeanAndUnitDeviation() {
    float[] px = {0.1f, 0.2f, 0.3f, 0.6f};

    Normalization.DEFAULT.apply(px, 0, 4);

    double mean = (px[0] + px[1] + px[2] + px[3]) / 4.0;
    double var = 0;
    for (float v : px) {
      var += (v - mean) * (v - mean) / 4;
    }
    assertThat(mean).isCloseTo(0, within(1e-6));
    assertThat(var).isCloseTo(1, within(1e-4));
  }

  @Test
  void shouldRoundTripThroughBundleJson() throws Exception {
    for (Normalization n : new Normalization[] {Normalization.DEFAULT, new Normalization.Fixed(0.2f, 0.3f)}) {
      String json = ModelBundle.JSON.writeValueAsString(n);

      assertThat(ModelBundle.JSON.readValue(json, Normalization.class)).isEqualTo(n);
    }
  }

  @Test
  void shouldReplicateGrayIntoThreeChannelsAfterResizing() {
    ModelSpec spec = ModelSpec.builder().optDepth(18).optInputSize(40).build();
    ScanPreprocessor pre = new ScanPreprocessor(spec, new Normalization.Fixed(0.5f, 0.5f));

    float[] input = pre.toInput(new GrayImage(80, 80, new float[80 * 80]));

    assertThat(input).hasSize(3 * 40 * 40);
    assertThat(input[0]).isEqualTo(-1f);
    assertThat(input[2 * 40 * 40 + 5]).isEqualTo(-1f);
  }
}
