package io.neurostream.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import ai.djl.training.ParameterStore;
import org.junit.jupiter.api.Test;

class ScanNetworkTest {

  @Test
  void shouldHaveTheSeedModelsParameterCountsAtDepth50() {
    ScanNetwork net = ScanNetwork.of(ModelSpec.SEED);
    try (NDManager manager = NDManager.newBaseManager()) {
      net.initialize(manager, DataType.FLOAT32, net.inputShape(1));

      ScanNetwork.ParameterCount count = net.countParameters();
      System.out.printf(
          "resnet50 backbone=%,d head=%,d total=%,d%n",
          count.backbone(), count.head(), count.total());

      // Keras' ResNet50 has 23,587,712; DJL's ResNetV1 places conv biases slightly differently
      assertThat(count.backbone()).isBetween(23_400_000L, 23_700_000L);
      // Dense 2048→512 (1,049,088) + Dense 512→4 (2,052), exactly as the seed's summary
      assertThat(count.head()).isEqualTo(1_049_088L + 2_052L);
    }
  }

  @Test
  void shouldMapAnImageBatchToFourLogits() {
    ModelSpec spec = ModelSpec.builder().optDepth(18).optInputSize(64).build();
    ScanNetwork net = ScanNetwork.of(spec);
    try (NDManager manager = NDManager.newBaseManager()) {
      net.initialize(manager, DataType.FLOAT32, net.inputShape(2));
      NDArray x = manager.randomNormal(net.inputShape(2));

      NDArray logits = net.forward(new ParameterStore(manager, false), new NDList(x), false).head();

      assertThat(logits.getShape()).isEqualTo(new Shape(2, 4));
      assertThat(net.getOutputShapes(new Shape[] {net.inputShape(5)})[0]).isEqualTo(new Shape(5, 4));
    }
  }

  @Test
  void shouldFreezeOnlyTheBackbone() {
    ModelSpec spec = ModelSpec.builder().optDepth(18).optInputSize(64).optFrozenBackbone(true).build();
    ScanNetwork net = ScanNetwork.of(spec);
    try (NDManager manager = NDManager.newBaseManager()) {
      net.initialize(manager, DataType.FLOAT32, net.inputShape(1));

      assertThat(net.backbone().getParameters().values()).noneMatch(Parameter::requiresGradient);
      assertThat(net.head().getParameters().values()).allMatch(Parameter::requiresGradient);
    }
  }

  @Test
  void shouldRejectADepthResNetV1CannotBuildNamingTheChoices() {
    assertThatThrownBy(() -> ModelSpec.builder().optDepth(20).build())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("[18, 34, 50, 101, 152]");
  }

  @Test
  void shouldNameTheArchitectureAsReleasesDo() {
    assertThat(ModelSpec.SEED.architecture()).isEqualTo("resnet50-gap-dense512-dense4");
    assertThat(ModelSpec.SEED.inputShape()).containsExactly(3, 128, 128);
  }
}
