package io.neurostream.model;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import com.sun.jna.Library;
import com.sun.jna.Native;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * DJL settings NeuroStream needs before the first DJL call.
 *
 * <ul>
 *   <li>DJL would otherwise try to download engine natives and zoo models at run time;
 *       NeuroStream ships its natives and runs offline unless the operator says otherwise
 *       ({@code -Dai.djl.offline=false}).
 *   <li>MXNet's default threaded engine deadlocks when several threads wait for inference results
 *       at once (every stream thread has its own Predictor, and the trainer trains beside them);
 *       DJL's multi-threading guide prescribes {@code MXNET_ENGINE_TYPE=NaiveEngine}. The engine
 *       reads it from the process environment when its library loads, so an unset variable is set
 *       here, before that. An operator's explicit value is kept.
 *   <li>The engines' OpenMP runtime (libgomp) by default spins its worker threads between parallel
 *       regions. In a classifier those spinning threads compete with the Kafka client, stream and
 *       (in the demo) broker threads on the same cores, and any other process on a shared node;
 *       a descheduled OpenMP worker then stalls every operator. {@code OMP_WAIT_POLICY=PASSIVE}
 *       makes idle workers sleep instead; a wake-up costs microseconds against the milliseconds of
 *       a convolution. Measured with {@code neurostream bench pipeline} (docs/benchmarks.md, "Engine
 *       settings"). Set like the engine type, before the library loads; an explicit value is kept.
 *   <li>DJL's PyTorch engine runs operators on one intra-op thread unless told otherwise: the
 *       same ResNet50 at batch 8 measured 6.8 images/s on one thread and 78–89 on two (issue
 *       12). {@code ai.djl.pytorch.num_threads} is set to the available processors unless the
 *       operator set it; the engine reads it when it starts. MXNet ignores it.
 * </ul>
 */
public final class DjlDefaults {

  private static final Logger LOG = LoggerFactory.getLogger(DjlDefaults.class);
  static final String ENGINE_TYPE = "MXNET_ENGINE_TYPE";
  static final String SAFE_ENGINE_TYPE = "NaiveEngine";
  static final String WAIT_POLICY = "OMP_WAIT_POLICY";
  static final String PASSIVE = "PASSIVE";
  static final String PYTORCH_THREADS = "ai.djl.pytorch.num_threads";

  private static Engine engine;

  private DjlDefaults() {}

  /** Applies the defaults above. Idempotent; call it before the first DJL call. */
  public static synchronized void apply() {
    if (System.getProperty("ai.djl.offline") == null) {
      System.setProperty("ai.djl.offline", "true");
    }
    setDefault(ENGINE_TYPE, SAFE_ENGINE_TYPE, "multi-threaded MXNet inference may deadlock");
    setDefault(WAIT_POLICY, PASSIVE, "inference may slow down when other threads need the cores");
    if (System.getProperty(PYTORCH_THREADS) == null) {
      System.setProperty(PYTORCH_THREADS,
          Integer.toString(Runtime.getRuntime().availableProcessors()));
    }
  }

  /** Sets {@code name=value} in the process environment unless the operator has set it. */
  private static void setDefault(String name, String value, String risk) {
    if (System.getenv(name) != null || processEnv(name) != null) {
      return;
    }
    try {
      LibC.INSTANCE.setenv(name, value, 0);
    } catch (UnsatisfiedLinkError | RuntimeException e) {
      LOG.warn("Could not set {}={} ({}); set it in the environment before starting, or {}",
          name, value, e.toString(), risk);
    }
  }

  /**
   * Starts the default engine once, quietly: MXNet prints its engine line on standard error when
   * its first operation runs, which on an operator's console reads like a problem. The engine is
   * started here, under {@link NativeStderr#muted}, by one tiny operation. Idempotent; call it
   * before the first DJL call that computes (ComputeDevice does).
   */
  public static synchronized Engine engine() {
    if (engine == null) {
      apply();
      Engine[] started = new Engine[1];
      NativeStderr.muted(() -> {
        started[0] = Engine.getInstance();
        try (NDManager manager = started[0].newBaseManager()) {
          manager.zeros(new Shape(1)).toFloatArray();
        }
      });
      engine = started[0];
    }
    return engine;
  }

  /**
   * The variable as the native side sees it ({@link System#getenv} is a snapshot from JVM start),
   * or null when unset.
   */
  public static String processEnv(String name) {
    try {
      return LibC.INSTANCE.getenv(name);
    } catch (UnsatisfiedLinkError | RuntimeException e) {
      return null;
    }
  }

  /** The two libc calls needed; JNA comes with DJL's API. */
  private interface LibC extends Library {
    LibC INSTANCE = Native.load("c", LibC.class);

    int setenv(String name, String value, int overwrite);

    String getenv(String name);
  }
}
