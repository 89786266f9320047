package io.neurostream.model;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.nn.Block;
import ai.djl.training.GradientCollector;
import ai.djl.training.ParameterStore;
import io.neurostream.imaging.GrayImage;
import java.util.ArrayList;
import java.util.List;

/**
 * Grad-CAM (Selvaraju et al. 2017) of one class on one slice: feature maps of a convolutional
 * layer, weighted by the mean gradient of the class's logit with respect to each map, summed and
 * rectified.
 *
 * <p>The layer is the output of the backbone's second-to-last stage (output stride 16: a 14 x 14
 * grid at 224 px, 6 x 6 at 96 px) rather than the last one (stride 32: 7 x 7 at 224 px, 3 x 3 at
 * 96 px). The last stage's cells each see nearly the whole slice, so its maps cannot say where on
 * a small slice the evidence is; {@code GradCamSanityTest} checks the chosen layer on a planted
 * marker. The gradient flows back through the last stage, the pooling and the head.
 *
 * <p>Runs autograd on the model's parameters: not on a model that is being trained at the same
 * time; inference on other threads is unaffected.
 */
public final class GradCam {

  private GradCam() {}

  /**
   * A class-activation map.
   *
   * @param width columns of the grid (the feature map's)
   * @param height rows of the grid
   * @param values row-major, rectified and scaled to a maximum of 1 (all 0 if nothing supports the
   *     class)
   * @param classIndex the class explained
   * @param probability the model's probability of that class for the slice
   */
  public record Map(int width, int height, float[] values, int classIndex, float probability) {

    /** The value at column {@code x}, row {@code y}. */
    public float at(int x, int y) {
      return values[y * width + x];
    }

    /**
     * The map resized to {@code w}×{@code h} by bilinear interpolation (cell centres aligned), for
     * overlays and for comparing with image regions.
     */
    public float[] upsample(int w, int h) {
      float[] out = new float[w * h];
      for (int y = 0; y < h; y++) {
        double gy = Math.max(0, Math.min(height - 1, (y + 0.5) * height / h - 0.5));
        int y0 = (int) Math.floor(gy);
        int y1 = Math.min(height - 1, y0 + 1);
        double fy = gy - y0;
        for (int x = 0; x < w; x++) {
          double gx = Math.max(0, Math.min(width - 1, (x + 0.5) * width / w - 0.5));
          int x0 = (int) Math.floor(gx);
          int x1 = Math.min(width - 1, x0 + 1);
          double fx = gx - x0;
          double v = (1 - fy) * ((1 - fx) * at(x0, y0) + fx * at(x1, y0))
              + fy * ((1 - fx) * at(x0, y1) + fx * at(x1, y1));
          out[y * w + x] = (float) v;
        }
      }
      return out;
    }
  }

  /** The Grad-CAM of class {@code classIndex} for {@code image}. */
  public static Map of(ScanClassifierModel model, GrayImage image, int classIndex) {
    return of(model, List.of(image), classIndex).get(0);
  }

  /**
   * The Grad-CAMs of class {@code classIndex} for several slices, in one forward and one backward
   * pass (a verdict explains its supporting slices together: one pass of three images costs far
   * less than three passes of one). The slices do not influence each other: batch normalisation
   * runs in inference mode, and the gradient of the sum of the slices' logits with respect to one
   * slice's feature maps is that slice's own.
   */
  public static List<Map> of(ScanClassifierModel model, List<GrayImage> images, int classIndex) {
    if (images.isEmpty()) {
      return List.of();
    }
    ScanNetwork network = model.network();
    ScanPreprocessor preprocessor = new ScanPreprocessor(model.spec(), model.normalization());
    int n = images.size();
    float[] first = preprocessor.toInput(images.get(0));
    float[] input = new float[first.length * n];
    System.arraycopy(first, 0, input, 0, first.length);
    for (int i = 1; i < n; i++) {
      System.arraycopy(preprocessor.toInput(images.get(i)), 0, input, i * first.length,
          first.length);
    }
    try (NDManager manager = model.model().getNDManager().newSubManager()) {
      ParameterStore store = new ParameterStore(manager, false);
      List<Block> blocks = network.backbone().getChildren().values();
      // the backbone ends with global average pooling and a flatten
      int convEnd = blocks.size() - 2;
      List<NDArray> outputs = new ArrayList<>(convEnd);
      NDList x = new NDList(manager.create(input, network.inputShape(n)));
      for (int i = 0; i < convEnd; i++) {
        x = blocks.get(i).forward(store, x, false);
        outputs.add(x.singletonOrThrow());
      }
      int layer = targetLayer(outputs);
      NDArray maps = outputs.get(layer); // (n, C, h, w)
      maps.setRequiresGradient(true);
      float[] probabilities;
      try (GradientCollector collector = Engine.getInstance().newGradientCollector()) {
        inferenceMode(model);
        NDList y = new NDList(maps);
        for (int i = layer + 1; i < blocks.size(); i++) {
          y = blocks.get(i).forward(store, y, false);
        }
        NDArray logits = network.head().forward(store, y, false).singletonOrThrow(); // (n, K)
        NDArray classLogits = logits.get(":, " + classIndex); // (n)
        probabilities = logits.softmax(-1).get(":, " + classIndex).toFloatArray();
        backward(model, collector, classLogits.sum());
      }
      // one axis at a time: DJL's PyTorch engine reduces a single axis per call with keepDims
      NDArray weights =
          maps.getGradient().mean(new int[] {3}, true).mean(new int[] {2}, true); // (n, C, 1, 1)
      NDArray cam = maps.mul(weights).sum(new int[] {1}).maximum(0f); // (n, h, w)
      int h = (int) cam.getShape().get(1);
      int w = (int) cam.getShape().get(2);
      float[] all = cam.toFloatArray();
      List<Map> out = new ArrayList<>(n);
      for (int i = 0; i < n; i++) {
        float[] values = java.util.Arrays.copyOfRange(all, i * h * w, (i + 1) * h * w);
        float max = 0;
        for (float v : values) {
          max = Math.max(max, v);
        }
        if (max > 0) {
          for (int j = 0; j < values.length; j++) {
            values[j] /= max;
          }
        }
        out.add(new Map(w, h, values, classIndex, probabilities[i]));
      }
      return out;
    }
  }

  /**
   * MXNet's gradient collector switches the whole graph to training mode, in which batch
   * normalisation would use the batch's statistics (of one slice) and refuses inference-mode
   * blocks; the explained model must run exactly as it classified. Recording stays on, training
   * mode goes off; the collector restores both when it closes. Other engines keep the mode per
   * call and need nothing.
   */
  private static void inferenceMode(ScanClassifierModel model) {
    if (!"MXNet".equals(model.engineName())) {
      return;
    }
    try {
      Class.forName("ai.djl.mxnet.engine.MxGradientCollector")
          .getMethod("setTraining", boolean.class).invoke(null, false);
    } catch (ReflectiveOperationException e) {
      throw new IllegalStateException("cannot switch MXNet's autograd to inference mode for "
          + "Grad-CAM (" + e + "); the DJL MXNet engine on the class path is not the expected "
          + "version", e);
    }
  }

  /**
   * Back-propagates {@code target} as the model infers. DJL's MXNet collector runs MXNet's backward
   * in training mode, whose batch-normalisation gradient is that of batch statistics: it subtracts
   * the mean gradient over the batch and the map, which is not the gradient of the network that
   * classified (running statistics), and it lets the slices of one pass change each other's maps.
   * MXNet's own entry point takes the mode, so on MXNet the backward runs in inference mode (the
   * gradient PyTorch computes in eval mode; {@code GradCamSanityTest} checks one pass of several
   * slices against each alone).
   */
  private static void backward(ScanClassifierModel model, GradientCollector collector,
      NDArray target) {
    if (!"MXNet".equals(model.engineName())) {
      collector.backward(target);
      return;
    }
    try {
      // DJL's JnaUtils.autogradBackwardExecute would take the mode, but passes an empty (not null)
      // head-gradient array that MXNet then reads; the library call itself, with null (ones)
      Class<?> jna = Class.forName("ai.djl.mxnet.jna.JnaUtils");
      java.lang.reflect.Field libField = jna.getDeclaredField("LIB");
      libField.setAccessible(true);
      Object lib = libField.get(null);
      Class<?> pointers = Class.forName("ai.djl.mxnet.jna.PointerArray");
      java.lang.reflect.Method of = pointers.getMethod("of", com.sun.jna.Pointer[].class);
      of.setAccessible(true);
      Object handle = target.getClass().getMethod("getHandle").invoke(target);
      Object outputs = of.invoke(null, (Object) new com.sun.jna.Pointer[] {
          (com.sun.jna.Pointer) handle});
      Class<?> library = Class.forName("ai.djl.mxnet.jna.MxnetLibrary");
      Class<?> ref = com.sun.jna.ptr.PointerByReference.class;
      int status = (Integer) library.getMethod("MXAutogradBackwardEx", int.class, pointers,
              pointers, int.class, ref, int.class, int.class, int.class, ref, ref)
          .invoke(lib, 1, outputs, null, 0, new com.sun.jna.ptr.PointerByReference(), 0, 0,
              0 /* is_train: inference mode */, new com.sun.jna.ptr.PointerByReference(),
              new com.sun.jna.ptr.PointerByReference());
      if (status != 0) {
        throw new IllegalStateException("MXNet's backward for Grad-CAM failed: "
            + library.getMethod("MXGetLastError").invoke(lib));
      }
    } catch (ReflectiveOperationException e) {
      throw new IllegalStateException("cannot run MXNet's backward in inference mode for "
          + "Grad-CAM (" + e + "); the DJL MXNet engine on the class path is not the expected "
          + "version", e);
    }
  }

  /**
   * The last block whose output has twice the final feature map's height: the end of the
   * second-to-last stage. The last block itself when there is none (tiny inputs).
   */
  static int targetLayer(List<NDArray> outputs) {
    int last = outputs.size() - 1;
    long finalHeight = outputs.get(last).getShape().get(2);
    for (int i = last; i >= 0; i--) {
      if (outputs.get(i).getShape().get(2) == 2 * finalHeight) {
        return i;
      }
    }
    return last;
  }
}
