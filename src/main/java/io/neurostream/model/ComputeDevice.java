package io.neurostream.model;

import ai.djl.Device;
import ai.djl.engine.Engine;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Resolves a device name from configuration ({@code auto}, {@code cpu}, {@code gpu}, {@code gpu1}) to a DJL {@link Device}. */
public final class ComputeDevice {

  private static final Pattern GPU = Pattern.compile("gpu(\\d*)");

  private ComputeDevice() {}

  /**
   * The device named {@code name}: {@code auto} is the first GPU when the engine sees one, else the
   * CPU; {@code cpu}; {@code gpu} or {@code gpuN} for the N-th GPU, which must exist.
   */
  public static Device resolve(String name) {
    DjlDefaults.engine();
    String n = name == null ? "auto" : name.trim().toLowerCase(Locale.ROOT);
    if (n.isEmpty() || n.equals("auto")) {
      return Engine.getInstance().getGpuCount() > 0 ? Device.gpu() : Device.cpu();
    }
    if (n.equals("cpu")) {
      return Device.cpu();
    }
    Matcher m = GPU.matcher(n);
    if (m.matches()) {
      int id = m.group(1).isEmpty() ? 0 : Integer.parseInt(m.group(1));
      int gpus = Engine.getInstance().getGpuCount();
      if (id >= gpus) {
        throw new IllegalArgumentException(
            "device " + name + " is not available: the " + Engine.getDefaultEngineName()
                + " engine sees " + gpus + " GPU(s); use auto or cpu");
      }
      return Device.gpu(id);
    }
    throw new IllegalArgumentException(
        "device '" + name + "' is not known; use auto, cpu, gpu or gpuN (e.g. gpu0)");
  }
}
