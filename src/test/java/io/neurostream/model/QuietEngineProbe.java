package io.neurostream.model;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;

/**
 * Child-process entry of {@link QuietEngineTest}: starts the engine as the services do
 * ({@code quiet}, through ComputeDevice) or bare ({@code bare}, straight to DJL), then computes.
 */
public final class QuietEngineProbe {

  private QuietEngineProbe() {}

  public static void main(String[] args) {
    if (args.length > 0 && args[0].equals("quiet")) {
      System.err.println("device " + ComputeDevice.resolve("auto"));
    } else {
      DjlDefaults.apply();
    }
    try (NDManager manager = Engine.getInstance().newBaseManager()) {
      manager.ones(new Shape(2)).add(1).toFloatArray();
    }
    System.err.println("engine " + Engine.getInstance().getEngineName() + " computed");
  }
}
