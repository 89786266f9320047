package io.neurostream.classifier;

import java.nio.file.Path;

/**
 * Turns a verified artifact into a served, warmed-up model. Runs on the release follower's
 * thread, never on a stream thread, so loading a new model does not stall classification.
 */
@FunctionalInterface
public interface ModelLoader {

  /**
   * Loads the bundle at {@code artifact}, stamps it with {@code version}, and runs a warm-up
   * batch so the first real batch does not pay for graph set-up.
   *
   * @throws Exception with a message naming what is wrong with the bundle
   */
  ScanModel load(Path artifact, String version) throws Exception;
}
