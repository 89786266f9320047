package io.neurostream.model;

/**
 * DJL settings NeuroStream needs before the first DJL call. DJL would otherwise try to download
 * engine natives and zoo models at run time; NeuroStream ships its natives and runs offline unless
 * the operator says otherwise ({@code -Dai.djl.offline=false}).
 */
public final class DjlDefaults {

  private DjlDefaults() {}

  /** Sets {@code ai.djl.offline=true} unless it is already set. Idempotent. */
  public static void apply() {
    if (System.getProperty("ai.djl.offline") == null) {
      System.setProperty("ai.djl.offline", "true");
    }
  }
}
