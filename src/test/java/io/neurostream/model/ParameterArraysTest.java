package io.neurostream.model;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.nn.Parameter;
import ai.djl.nn.core.Linear;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class ParameterArraysTest {

  @Test
  void aLoadOverInitializedParametersLeavesNoOldArrayOpen() throws Exception {
    try (NDManager manager = NDManager.newBaseManager()) {
      Block block = Linear.builder().setUnits(3).build();
      block.initialize(manager, DataType.FLOAT32, new Shape(1, 5));
      ByteArrayOutputStream bytes = new ByteArrayOutputStream();
      try (DataOutputStream out = new DataOutputStream(bytes)) {
        block.saveParameters(out);
      }
      List<NDArray> before = new ArrayList<>();
      for (Parameter p : block.getParameters().values()) {
        before.add(p.getArray());
      }

      ParameterArrays held = ParameterArrays.of(block);
      try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(bytes.toByteArray()))) {
        block.loadParameters(manager, in);
      }
      int closed = held.closeReplaced();

      assertThat(closed).isEqualTo(before.size()).isEqualTo(2);
      assertThat(before).allSatisfy(old -> assertThat(old.isReleased()).isTrue());
      for (Parameter p : block.getParameters().values()) {
        assertThat(p.getArray().isReleased()).isFalse();
      }
    }
  }

  @Test
  void arraysStillInPlaceAreLeftOpen() {
    try (NDManager manager = NDManager.newBaseManager()) {
      Block block = Linear.builder().setUnits(2).build();
      block.initialize(manager, DataType.FLOAT32, new Shape(1, 4));

      assertThat(ParameterArrays.of(block).closeReplaced()).isZero();
      for (Parameter p : block.getParameters().values()) {
        assertThat(p.getArray().isReleased()).isFalse();
      }
    }
  }
}
