package io.neurostream.model;

import ai.djl.ndarray.NDArray;
import ai.djl.nn.Block;
import ai.djl.nn.Parameter;
import java.util.ArrayList;
import java.util.List;

/**
 * The arrays a block's parameters hold at one moment, so that they can be closed once a load has
 * replaced them. DJL's {@code Parameter.load} puts a new array in place without closing the old one,
 * which stays on the model's manager (native memory) until the model closes: a copy of the weights
 * per load without this.
 */
public final class ParameterArrays {
  private final List<Parameter> parameters = new ArrayList<>();
  private final List<NDArray> arrays = new ArrayList<>();

  private ParameterArrays() {}

  /** The arrays {@code block}'s initialized parameters hold now. */
  public static ParameterArrays of(Block block) {
    ParameterArrays held = new ParameterArrays();
    for (Parameter p : block.getParameters().values()) {
      if (p.isInitialized()) {
        held.parameters.add(p);
        held.arrays.add(p.getArray());
      }
    }
    return held;
  }

  /**
   * Closes each array that its parameter no longer holds; returns how many were closed. An array
   * still in place is left alone.
   */
  public int closeReplaced() {
    int closed = 0;
    for (int i = 0; i < parameters.size(); i++) {
      NDArray old = arrays.get(i);
      Parameter p = parameters.get(i);
      if (!p.isInitialized() || p.getArray() != old) {
        old.close();
        closed++;
      }
    }
    return closed;
  }
}
