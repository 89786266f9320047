package io.neurostream.training;

import static org.assertj.core.api.Assertions.assertThat;

import io.neurostream.imaging.GrayImage;
import java.util.Random;
import org.junit.jupiter.api.Test;

class AugmentationTest {

  private static GrayImage square() {
    float[] px = new float[32 * 32];
    for (int y = 8; y < 24; y++) {
      for (int x = 8; x < 16; x++) {
        px[y * 32 + x] = 0.8f;
      }
    }
    return new GrayImage(32, 32, px);
  }

  @Test
  void shouldLeaveTheImageAloneWhenDisabled() {
    GrayImage image = square();

    assertThat(Augmentation.NONE.apply(image, new Random(1))).isEqualTo(image);
  }

  @Test
  void shouldBeDeterministicForASeedAndVaryAcrossDraws() {
    GrayImage image = square();
    Random a = new Random(7);
    Random b = new Random(7);

    GrayImage first = Augmentation.DEFAULT.apply(image, a);

    assertThat(first).isEqualTo(Augmentation.DEFAULT.apply(image, b));
    assertThat(Augmentation.DEFAULT.apply(image, a)).isNotEqualTo(first);
    assertThat(first.width()).isEqualTo(32);
  }

  @Test
  void shouldMirrorLeftAndRightOnAFlip() {
    Augmentation flipOnly = new Augmentation(0, 0, 1.0, 0);

    GrayImage flipped = flipOnly.apply(square(), new Random(1));

    assertThat(flipped.pixel(31 - 10, 12)).isEqualTo(0.8f);
    assertThat(flipped.pixel(10, 12)).isZero();
  }
}
