package io.neurostream.training;

import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.training.ParameterStore;
import io.neurostream.imaging.GrayImage;
import io.neurostream.model.ScanClassifierModel;
import io.neurostream.model.ScanNetwork;
import io.neurostream.model.ScanPreprocessor;
import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.FloatBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.DigestOutputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * A {@link FeatureCache} keyed by the backbone (a digest of its parameters, the input spec and the
 * normalization) and by the content of each image, optionally persisted in a directory so a
 * restarted trainer does not pay the backbone passes again. The directory is only a cache: a
 * missing, foreign or truncated file is rebuilt from the images.
 *
 * <p>Only the features of one backbone are held in memory at a time: a head-only trainer keeps its
 * backbone across rounds, and a change of backbone (a fully fine-tuned or a new initial model)
 * starts a new file; the files of the {@value #KEEP_FILES} most recently used backbones are kept.
 * Thread-safe.
 */
public final class BackboneFeatureCache implements FeatureCache {

  /** Images per backbone pass. */
  private static final int BATCH = 32;
  /** Feature files kept on disk, most recently used first. */
  private static final int KEEP_FILES = 2;
  private static final String SUFFIX = ".features";

  private final Path dir;
  private final PrintStream progress;
  private final Map<Key, float[]> features = new HashMap<>();
  private String backbone;
  private long computed;

  /**
   * @param dir where features are persisted, one file per backbone; null to keep them in memory
   * @param progress where progress goes, or null
   */
  public BackboneFeatureCache(Path dir, PrintStream progress) {
    this.dir = dir;
    this.progress = progress;
  }

  /** A cache that lives as long as this object. */
  public static BackboneFeatureCache inMemory() {
    return new BackboneFeatureCache(null, null);
  }

  @Override
  public synchronized float[][] features(ScanClassifierModel model, List<TrainingExample> examples) {
    String id = backboneId(model);
    if (!id.equals(backbone)) {
      switchTo(id);
    }
    ScanPreprocessor preprocessor = new ScanPreprocessor(model.spec(), model.normalization());
    Key[] keys = new Key[examples.size()];
    List<Integer> missing = new ArrayList<>();
    Map<Key, Integer> pending = new HashMap<>();
    for (int i = 0; i < keys.length; i++) {
      keys[i] = Key.of(preprocessor.resize(examples.get(i).image()));
      if (!features.containsKey(keys[i]) && pending.putIfAbsent(keys[i], i) == null) {
        missing.add(i);
      }
    }
    if (progress != null) {
      progress.println("backbone features: " + missing.size() + " to compute, "
          + (keys.length - missing.size()) + " cached");
    }
    if (!missing.isEmpty()) {
      compute(model, preprocessor, examples, keys, missing);
    }
    float[][] out = new float[keys.length][];
    for (int i = 0; i < keys.length; i++) {
      out[i] = features.get(keys[i]);
    }
    return out;
  }

  /** How many feature vectors this cache has computed (not found) since it was created. */
  public synchronized long computedCount() {
    return computed;
  }

  /** How many feature vectors of the current backbone are held. */
  public synchronized int size() {
    return features.size();
  }

  private void compute(
      ScanClassifierModel model, ScanPreprocessor preprocessor, List<TrainingExample> examples,
      Key[] keys, List<Integer> missing) {
    ScanNetwork network = model.network();
    int per = preprocessor.valuesPerImage();
    ProgressBar bar = new ProgressBar(progress, "backbone features", missing.size(), "img");
    try (DataOutputStream out = appender()) {
      for (int from = 0; from < missing.size(); from += BATCH) {
        int n = Math.min(BATCH, missing.size() - from);
        float[] x = new float[n * per];
        for (int i = 0; i < n; i++) {
          preprocessor.write(examples.get(missing.get(from + i)).image(), x, i * per);
        }
        float[] flat;
        try (NDManager manager = model.model().getNDManager().newSubManager()) {
          NDList input = new NDList(manager.create(FloatBuffer.wrap(x), network.inputShape(n)));
          // inference mode: batch normalization uses its running statistics, as in serving
          NDList output = network.backbone().forward(new ParameterStore(manager, false), input, false);
          flat = output.singletonOrThrow().toFloatArray();
        }
        int dim = flat.length / n;
        for (int i = 0; i < n; i++) {
          float[] f = new float[dim];
          System.arraycopy(flat, i * dim, f, 0, dim);
          Key key = keys[missing.get(from + i)];
          features.put(key, f);
          if (out != null) {
            key.write(out);
            out.writeInt(dim);
            for (float v : f) {
              out.writeFloat(v);
            }
          }
        }
        computed += n;
        bar.update(from + n, "");
      }
    } catch (IOException e) {
      throw new UncheckedIOException("writing backbone features to " + dir + " failed: "
          + e.getMessage() + "; check state.dir is writable (the cache can be deleted safely)", e);
    }
    bar.finish(missing.size() + " computed, " + (keys.length - missing.size()) + " cached");
  }

  private DataOutputStream appender() throws IOException {
    if (dir == null) {
      return null;
    }
    OutputStream file = Files.newOutputStream(file(backbone),
        StandardOpenOption.CREATE, StandardOpenOption.APPEND, StandardOpenOption.WRITE);
    return new DataOutputStream(new BufferedOutputStream(file, 1 << 16));
  }

  private void switchTo(String id) {
    features.clear();
    backbone = id;
    if (dir == null) {
      return;
    }
    try {
      Files.createDirectories(dir);
      Path file = file(id);
      if (Files.exists(file)) {
        long valid = load(file);
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.WRITE)) {
          if (ch.size() > valid) {
            ch.truncate(valid); // a record cut short by a crash: drop it, it is recomputed
          }
        }
        Files.setLastModifiedTime(file, java.nio.file.attribute.FileTime.fromMillis(System.currentTimeMillis()));
      }
      prune();
    } catch (IOException e) {
      throw new UncheckedIOException("reading backbone features from " + dir + " failed: "
          + e.getMessage() + "; delete the directory, it is rebuilt", e);
    }
  }

  /** Reads every whole record of {@code file}; returns the length they span. */
  private long load(Path file) throws IOException {
    long valid = 0;
    try (DataInputStream in = new DataInputStream(new BufferedInputStream(Files.newInputStream(file), 1 << 16))) {
      while (true) {
        Key key;
        float[] f;
        try {
          key = Key.read(in);
          int dim = in.readInt();
          if (dim <= 0 || dim > 1 << 16) {
            break;
          }
          f = new float[dim];
          for (int i = 0; i < dim; i++) {
            f[i] = in.readFloat();
          }
        } catch (EOFException e) {
          break;
        }
        features.put(key, f);
        valid += Key.BYTES + 4L + 4L * f.length;
      }
    }
    return valid;
  }

  private void prune() throws IOException {
    List<Path> files;
    try (Stream<Path> list = Files.list(dir)) {
      files = list.filter(p -> p.getFileName().toString().endsWith(SUFFIX))
          .sorted(Comparator.comparing(BackboneFeatureCache::modified).reversed())
          .toList();
    }
    for (int i = 0; i < files.size(); i++) {
      if (i >= KEEP_FILES && !files.get(i).equals(file(backbone))) {
        Files.deleteIfExists(files.get(i));
      }
    }
  }

  private static long modified(Path p) {
    try {
      return Files.getLastModifiedTime(p).toMillis();
    } catch (IOException e) {
      return 0;
    }
  }

  private Path file(String id) {
    return dir.resolve(id + SUFFIX);
  }

  /**
   * Identifies what features depend on besides the image: the backbone's parameters, the input
   * spec and the normalization. 128 bits of a SHA-256 are plenty to tell backbones apart.
   */
  static String backboneId(ScanClassifierModel model) {
    MessageDigest md = sha256();
    md.update((model.spec().inputShape() + "|" + model.normalization()).getBytes(StandardCharsets.UTF_8));
    try (DataOutputStream out = new DataOutputStream(
        new DigestOutputStream(OutputStream.nullOutputStream(), md))) {
      model.network().backbone().saveParameters(out);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return HexFormat.of().formatHex(md.digest(), 0, 16);
  }

  private static MessageDigest sha256() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("this Java runtime has no SHA-256", e);
    }
  }

  /** 128 bits of the SHA-256 of an image at the network's input size. */
  private record Key(long hi, long lo) {
    static final int BYTES = 16;

    static Key of(GrayImage image) {
      ByteBuffer bytes = ByteBuffer.allocate(8 + 4 * image.pixels().length);
      bytes.putInt(image.width()).putInt(image.height());
      bytes.asFloatBuffer().put(image.pixels());
      ByteBuffer digest = ByteBuffer.wrap(sha256().digest(bytes.array()));
      return new Key(digest.getLong(), digest.getLong());
    }

    static Key read(DataInputStream in) throws IOException {
      return new Key(in.readLong(), in.readLong());
    }

    void write(DataOutputStream out) throws IOException {
      out.writeLong(hi);
      out.writeLong(lo);
    }
  }
}
