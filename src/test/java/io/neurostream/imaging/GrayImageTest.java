package io.neurostream.imaging;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import io.neurostream.avro.ImageEncoding;
import org.junit.jupiter.api.Test;

class GrayImageTest {

  @Test
  void shouldRejectPixelsOutsideUnitRangeOrWrongCount() {
    assertThatThrownBy(() -> new GrayImage(2, 2, new float[3]))
        .hasMessageContaining("needs 4");
    assertThatThrownBy(() -> new GrayImage(2, 1, new float[] {0f, 1.5f}))
        .hasMessageContaining("x=1").hasMessageContaining("[0, 1]");
    assertThatThrownBy(() -> new GrayImage(1, 1, new float[] {Float.NaN}))
        .hasMessageContaining("NaN");
    assertThatThrownBy(() -> new GrayImage(0, 1, new float[0])).hasMessageContaining("1x1");
  }

  @Test
  void shouldKeepAConstantImageConstantWhenResizing() {
    float[] p = new float[64 * 48];
    java.util.Arrays.fill(p, 0.4f);
    GrayImage img = new GrayImage(64, 48, p);

    for (int[] size : new int[][] {{128, 96}, {32, 24}, {7, 5}, {50, 40}}) {
      GrayImage r = img.resize(size[0], size[1]);
      assertThat(r.width()).isEqualTo(size[0]);
      assertThat(r.height()).isEqualTo(size[1]);
      for (float v : r.pixels()) {
        assertThat(v).isCloseTo(0.4f, within(1e-5f));
      }
    }
  }

  @Test
  void shouldAverageAreasWhenDownscalingByAnIntegerFactor() {
    // given a 1-pixel checkerboard, which point sampling would alias to pure black or white
    int n = 64;
    float[] p = new float[n * n];
    for (int y = 0; y < n; y++) {
      for (int x = 0; x < n; x++) {
        p[y * n + x] = (x + y) % 2;
      }
    }
    // when
    GrayImage small = new GrayImage(n, n, p).resize(16, 16);
    // then every output pixel is the mean of its 4x4 block
    for (float v : small.pixels()) {
      assertThat(v).isCloseTo(0.5f, within(1e-5f));
    }
  }

  @Test
  void shouldInterpolateLinearlyWhenUpscaling() {
    GrayImage ramp = new GrayImage(2, 1, new float[] {0f, 1f});
    GrayImage up = ramp.resize(4, 1);
    // centres of 4 output pixels map to source x = -0.25, 0.25, 0.75, 1.25 (clamped)
    assertThat(up.pixels()).containsExactly(new float[] {0f, 0.25f, 0.75f, 1f}, within(1e-6f));
  }

  @Test
  void shouldRoundTripThroughPngAt8BitPrecision() {
    float[] p = new float[256];
    for (int i = 0; i < 256; i++) {
      p[i] = i / 255f;
    }
    GrayImage img = new GrayImage(16, 16, p);

    GrayImage back = ImageDecoder.decode(img.toPng(), ImageEncoding.PNG, 0, 0);

    assertThat(back).isEqualTo(img);
  }
}
