package io.neurostream.classifier;

import ai.djl.Device;
import io.neurostream.imaging.GrayImage;
import io.neurostream.model.ModelBundle;
import io.neurostream.model.ScanClassifierModel;
import io.neurostream.model.engine.ServingOptions;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Loads model bundles ({@link ModelBundle}) for serving: opens and verifies the bundle, loads it
 * onto the device, and runs a warm-up batch of the serving batch size on the calling thread, so
 * the stream threads meet a model whose native buffers are already allocated.
 */
public final class BundleModelLoader implements ModelLoader {

  private static final Logger LOG = LoggerFactory.getLogger(BundleModelLoader.class);

  private final Device device;
  private final int warmupBatch;
  private final ServingOptions serving;

  /**
   * @param device where the parameters go ({@code ComputeDevice.resolve("auto")})
   * @param warmupBatch images in the warm-up batch (the serving batch size)
   */
  public BundleModelLoader(Device device, int warmupBatch) {
    this(device, warmupBatch, ServingOptions.defaults());
  }

  /**
   * @param device where the parameters go
   * @param warmupBatch images in the warm-up batch (the serving batch size)
   * @param serving the forward path and inference workers to serve with
   */
  public BundleModelLoader(Device device, int warmupBatch, ServingOptions serving) {
    this.device = device;
    this.warmupBatch = Math.max(1, warmupBatch);
    this.serving = serving;
  }

  @Override
  public BundleScanModel load(Path artifact, String version) {
    long t0 = System.nanoTime();
    ModelBundle bundle = ModelBundle.open(artifact);
    String bundled = bundle.metadata().version();
    String served = version == null ? bundled : version;
    if (version != null && !version.equals(bundled)) {
      LOG.warn("release {} carries a bundle that calls itself {}; predictions say {}",
          version, bundled, version);
    }
    ScanClassifierModel model = bundle.load(device);
    BundleScanModel scanModel;
    try {
      scanModel = new BundleScanModel(served, model, serving);
    } catch (RuntimeException e) {
      model.close();
      throw e;
    }
    try {
      int size = scanModel.inputSize();
      List<GrayImage> blank = new ArrayList<>(warmupBatch);
      for (int i = 0; i < warmupBatch; i++) {
        blank.add(new GrayImage(size, size, new float[size * size]));
      }
      scanModel.predict(blank);
    } catch (RuntimeException e) {
      scanModel.close();
      throw e;
    }
    LOG.info("model {} loaded from {} ({} bytes, sha-256 {}) and warmed up in {} ms",
        served, artifact.getFileName(), bundle.size(), bundle.sha256(),
        (System.nanoTime() - t0) / 1_000_000);
    return scanModel;
  }

  /** Loads the bundle at {@code file} under the version its metadata names. */
  public BundleScanModel load(Path file) {
    return load(file, null);
  }
}
