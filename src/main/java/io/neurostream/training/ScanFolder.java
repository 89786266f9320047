package io.neurostream.training;

import io.neurostream.avro.ImageEncoding;
import io.neurostream.imaging.GrayImage;
import io.neurostream.imaging.ImageDecoder;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Loads a Kaggle-layout folder ({@link KaggleDataset}) into memory, split by subject ({@link
 * SubjectSplit}): each slice decoded once, in parallel, and resized to the network's input size, so
 * that epochs never touch the disk or the decoder again.
 */
public final class ScanFolder {

  private ScanFolder() {}

  /**
   * Loads {@code dir}, splits it by subject (stratified, seeded) and decodes every slice at {@code
   * inputSize}.
   */
  public static TrainingData load(
      Path dir, int inputSize, double validationFraction, double testFraction, long seed, PrintStream log) {
    KaggleDataset dataset = KaggleDataset.open(dir);
    SubjectSplit split = SubjectSplit.split(dataset.images(), testFraction, validationFraction, seed);
    String description = describe(dataset) + String.format(Locale.ROOT,
        ", stratified, seed %d, validation %.2f, test %.2f", seed, validationFraction, testFraction);
    // without subjects KaggleDataset has already warned loudly; the description repeats it
    List<TrainingExample> train = decode(split.train(), inputSize, log, "decoding train");
    List<TrainingExample> validation = decode(split.validation(), inputSize, log, "decoding validation");
    List<TrainingExample> test = decode(split.test(), inputSize, log, "decoding test");
    Map<String, String> provenance = new LinkedHashMap<>();
    provenance.put("data_dir", dir.toAbsolutePath().toString());
    provenance.put("slices", Integer.toString(dataset.images().size()));
    provenance.put("subjects", Integer.toString(dataset.subjects().size()));
    provenance.put("subject_source", dataset.subjectSource().name());
    provenance.put("subjects_per_class", split.subjectsPerClass().toString());
    return new TrainingData(train, validation, test, description, provenance);
  }

  /** Loads only the test (holdout) part of the split {@link #load} makes, and the dataset's description. */
  public static List<TrainingExample> loadTest(
      KaggleDataset dataset, int inputSize, double validationFraction, double testFraction, long seed,
      PrintStream log) {
    SubjectSplit split = SubjectSplit.split(dataset.images(), testFraction, validationFraction, seed);
    return decode(split.test(), inputSize, log, "decoding test");
  }

  /** Loads every slice of the dataset (no split) at {@code inputSize}, e.g. for evaluation. */
  public static List<TrainingExample> loadAll(KaggleDataset dataset, int inputSize, PrintStream log) {
    return decode(dataset.images(), inputSize, log, "decoding");
  }

  /** How subjects are known, for split descriptions. */
  static String describe(KaggleDataset dataset) {
    return switch (dataset.subjectSource()) {
      case MANIFEST -> "by subject (manifest.csv)";
      case FILE_NAMES -> "by subject (sub-<id> file names)";
      case NONE -> "by slice (no subject information)";
    };
  }

  static List<TrainingExample> decode(List<LabeledImage> images, int inputSize, PrintStream log, String what) {
    ProgressBar bar = new ProgressBar(log, what, images.size(), "img");
    AtomicInteger done = new AtomicInteger();
    List<TrainingExample> out = images.parallelStream()
        .map(l -> {
          GrayImage image = read(l.file()).resize(inputSize, inputSize);
          int d = done.incrementAndGet();
          synchronized (bar) {
            bar.update(d, "");
          }
          return new TrainingExample(image, l.label(), l.subject());
        })
        .toList();
    bar.finish(images.size() + " slices");
    return out;
  }

  private static GrayImage read(Path file) {
    try {
      String name = file.getFileName().toString().toLowerCase(Locale.ROOT);
      ImageEncoding encoding = name.endsWith(".png") ? ImageEncoding.PNG : ImageEncoding.JPEG;
      return ImageDecoder.decode(Files.readAllBytes(file), encoding, 0, 0);
    } catch (IOException e) {
      throw new UncheckedIOException("reading " + file + " failed", e);
    }
  }
}
