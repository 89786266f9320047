package io.neurostream.model;

import ai.djl.MalformedModelException;
import ai.djl.Model;
import ai.djl.ndarray.NDList;
import ai.djl.repository.zoo.Criteria;
import ai.djl.repository.zoo.ModelNotFoundException;
import ai.djl.repository.zoo.ZooModel;
import ai.djl.nn.Block;
import ai.djl.nn.SequentialBlock;
import ai.djl.nn.SymbolBlock;
import ai.djl.ndarray.types.DataType;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.stream.Stream;

/**
 * Pretrained backbone weights: saving a model's backbone as a DJL parameter file, and loading
 * weights into a model's backbone from
 *
 * <ul>
 *   <li>a NeuroStream model bundle (its backbone is taken);
 *   <li>a DJL parameter file ({@code name-0000.params}) or a directory holding one, as {@link
 *       #save(ScanClassifierModel, Path)} writes;
 *   <li>a URL DJL's model zoo resolves, e.g. {@value #IMAGENET_RESNET50} (needs a network and
 *       {@code -Dai.djl.offline=false}; its parameters must have this backbone's layout).
 * </ul>
 *
 * Weights must come from a backbone of the same depth and channels; every parameter's shape is
 * checked.
 */
public final class PretrainedBackbone {

  /** DJL model zoo: MXNet ResNet50 v1 trained on ImageNet. */
  public static final String IMAGENET_RESNET50 = "djl://ai.djl.mxnet/resnet/0.0.1/resnet50_v1";

  private PretrainedBackbone() {}

  /**
   * Writes the backbone of {@code model} as a DJL parameter file into directory {@code dir} and
   * returns the file.
   */
  public static Path save(ScanClassifierModel model, Path dir) throws IOException {
    String name = "resnet" + model.spec().depth() + "-c" + model.spec().channels() + "-backbone";
    try (Model holder = Model.newInstance(name, model.device())) {
      holder.setBlock(model.network().backbone());
      holder.setProperty("Epoch", "0");
      holder.save(dir, name);
    }
    return dir.resolve(name + "-0000.params");
  }

  /**
   * Loads backbone weights from {@code source} (a path or URL, see the class comment) into {@code
   * model}. Returns a short description of what was loaded, for provenance.
   */
  public static String load(String source, ScanClassifierModel model) {
    String lower = source.toLowerCase(Locale.ROOT);
    if (lower.startsWith("djl://") || lower.startsWith("http://") || lower.startsWith("https://")
        || lower.startsWith("s3://") || lower.startsWith("hf://")) {
      return loadFromZoo(source, model);
    }
    Path path = lower.startsWith("file:") ? Path.of(URI.create(source)) : Path.of(source);
    if (!Files.exists(path)) {
      throw new IllegalArgumentException("backbone " + source + " does not exist; give a bundle, a"
          + " DJL .params file or directory, or a djl:// URL");
    }
    if (Files.isRegularFile(path) && !path.getFileName().toString().endsWith(".params")) {
      ModelBundle bundle = ModelBundle.open(path);
      try (ScanClassifierModel donor = bundle.load(model.device())) {
        requireSameBackbone(donor.spec(), model.spec(), source);
        transfer(donor.network().backbone(), model);
      }
      return "bundle " + path + " (version " + bundle.metadata().version() + ", sha256 " + bundle.sha256() + ")";
    }
    return loadParamsFile(path, model);
  }

  private static String loadParamsFile(Path path, ScanClassifierModel model) {
    Path dir = Files.isDirectory(path) ? path : path.toAbsolutePath().getParent();
    String prefix;
    if (Files.isDirectory(path)) {
      try (Stream<Path> files = Files.list(path)) {
        prefix = files.map(p -> p.getFileName().toString())
            .filter(n -> n.matches(".+-\\d{4}\\.params"))
            .map(n -> n.substring(0, n.length() - "-0000.params".length()))
            .findFirst()
            .orElseThrow(() -> new IllegalArgumentException(
                "no DJL parameter file (name-0000.params) in " + path));
      } catch (IOException e) {
        throw new IllegalArgumentException("cannot list " + path + ": " + e.getMessage(), e);
      }
    } else {
      String n = path.getFileName().toString();
      if (!n.matches(".+-\\d{4}\\.params")) {
        throw new IllegalArgumentException(
            "backbone file " + n + " is not named like a DJL parameter file (name-0000.params)");
      }
      prefix = n.substring(0, n.length() - "-0000.params".length());
    }
    SequentialBlock fresh = ScanNetwork.backboneOf(model.spec());
    try (Model holder = Model.newInstance(prefix, model.device())) {
      holder.setBlock(fresh);
      holder.load(dir, prefix);
      transfer(fresh, model);
    } catch (IOException | MalformedModelException | RuntimeException e) {
      throw new IllegalArgumentException(
          "backbone weights " + path + " do not fit a resnet" + model.spec().depth() + " backbone with "
              + model.spec().channels() + " channel(s): " + e.getMessage(), e);
    }
    return "params " + path.toAbsolutePath();
  }

  private static String loadFromZoo(String url, ScanClassifierModel model) {
    ZooModel<NDList, NDList> zoo;
    try {
      Criteria<NDList, NDList> criteria = Criteria.builder()
          .setTypes(NDList.class, NDList.class)
          .optModelUrls(url)
          .optDevice(model.device())
          .build();
      zoo = criteria.loadModel();
    } catch (ModelNotFoundException | MalformedModelException | IOException | RuntimeException e) {
      // RuntimeException too: DJL throws IllegalArgumentException when the zoo is not on the classpath
      throw new IllegalArgumentException(
          "cannot load backbone " + url + " from the model zoo (" + e.getMessage() + "); DJL runs"
              + " offline by default, pass -Dai.djl.offline=false where a network is available, or"
              + " give a local bundle or .params file", e);
    }
    try (zoo) {
      Block block = zoo.getBlock();
      if (block instanceof SymbolBlock symbol) {
        // the zoo's ResNet ends in its ImageNet classifier; the backbone is what precedes it
        symbol.removeLastBlock();
      }
      block.initialize(zoo.getNDManager(), DataType.FLOAT32, model.network().inputShape(1));
      transfer(block, model);
      return "zoo " + url;
    }
  }

  private static void transfer(Block from, ScanClassifierModel model) {
    ParameterTransfer.copy(from, model.network().backbone(), model.model().getNDManager(), "backbone weights");
    if (model.spec().frozenBackbone()) {
      model.network().backbone().freezeParameters(true);
    }
  }

  private static void requireSameBackbone(ModelSpec donor, ModelSpec target, String source) {
    if (donor.depth() != target.depth() || donor.channels() != target.channels()) {
      throw new IllegalArgumentException(
          "backbone " + source + " is a resnet" + donor.depth() + " with " + donor.channels()
              + " channel(s) but the model is a resnet" + target.depth() + " with " + target.channels()
              + "; pass --depth " + donor.depth() + " or other weights");
    }
  }
}
