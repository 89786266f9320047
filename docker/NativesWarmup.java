import ai.djl.engine.Engine;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.util.Utils;

/**
 * Image build step, not part of the application jar: loads the DJL engine once so that its native
 * libraries land in {@code ENGINE_CACHE_DIR} while the image is built — extracted from the jar for
 * the CPU image (mxnet-native-mkl is bundled), downloaded for the GPU image (PyTorch CUDA natives
 * are not served as jars). A container then starts offline and writes nothing to load the engine,
 * which is what lets Kubernetes run it with a read-only root filesystem.
 *
 * <p>Why a separate program: {@code neurostream ... --help} never touches the engine, and a build
 * must fail here, not at the first scan, if the natives cannot be loaded on the runtime base image.
 */
public final class NativesWarmup {

  private NativesWarmup() {}

  public static void main(String[] args) {
    Engine engine = Engine.getInstance();
    try (NDManager manager = engine.newBaseManager()) {
      float sum = manager.ones(new Shape(2, 2)).sum().getFloat();
      if (sum != 4f) {
        throw new IllegalStateException(
            engine.getEngineName() + " computed 2x2 ones sum = " + sum + "; the natives are broken");
      }
    }
    System.out.printf(
        "%s %s natives ready in %s (gpus: %d)%n",
        engine.getEngineName(),
        engine.getVersion(),
        Utils.getEngineCacheDir(),
        engine.getGpuCount());
  }
}
