package io.neurostream.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.djl.Device;
import ai.djl.engine.Engine;
import org.junit.jupiter.api.Test;

class ComputeDeviceTest {

  @Test
  void shouldPickTheGpuWhenPresentElseTheCpu() {
    Device expected = Engine.getInstance().getGpuCount() > 0 ? Device.gpu() : Device.cpu();

    assertThat(ComputeDevice.resolve("auto")).isEqualTo(expected);
    assertThat(ComputeDevice.resolve(null)).isEqualTo(expected);
    assertThat(ComputeDevice.resolve("CPU")).isEqualTo(Device.cpu());
  }

  @Test
  void shouldRefuseAGpuThatIsNotThere() {
    int gpus = Engine.getInstance().getGpuCount();

    assertThatThrownBy(() -> ComputeDevice.resolve("gpu" + gpus))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("use auto or cpu");
    assertThatThrownBy(() -> ComputeDevice.resolve("tpu"))
        .hasMessageContaining("use auto, cpu, gpu or gpuN");
  }
}
