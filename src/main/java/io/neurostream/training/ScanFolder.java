package io.neurostream.training;

import io.neurostream.avro.DementiaStage;
import io.neurostream.avro.ImageEncoding;
import io.neurostream.imaging.GrayImage;
import io.neurostream.imaging.ImageDecoder;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;

/**
 * Loads a Kaggle-layout folder into memory, split by subject: each slice decoded once and resized
 * to the network's input size, so that epochs never touch the disk or the decoder again.
 */
public final class ScanFolder {

  private ScanFolder() {}

  /** A slice on disk with its subject and label (until the imaging branch's LabeledImage lands). */
  record Listed(Path file, String subject, DementiaStage label) {}

  /**
   * Loads {@code dir}, splits it by subject (stratified, seeded) and decodes every slice at {@code
   * inputSize}.
   */
  public static TrainingData load(
      Path dir, int inputSize, double validationFraction, double testFraction, long seed, PrintStream log) {
    List<Listed> listed = list(dir);
    boolean subjects = Files.exists(dir.resolve("manifest.csv"));
    if (!subjects && log != null) {
      log.println("WARNING: " + dir + " has no manifest.csv, so slices cannot be grouped by subject;"
          + " every slice is treated as its own subject and holdout figures will be optimistic"
          + " (slices of one patient on both sides of the split)");
    }
    Map<String, List<Listed>> split = splitBySubject(listed, validationFraction, testFraction, seed);
    String description = (subjects ? "by subject (manifest.csv)" : "by slice (no subject information)")
        + String.format(Locale.ROOT, ", stratified, seed %d, validation %.2f, test %.2f",
            seed, validationFraction, testFraction);
    List<TrainingExample> train = decode(split.get("train"), inputSize, log, "decoding train");
    List<TrainingExample> validation = decode(split.get("validation"), inputSize, log, "decoding validation");
    List<TrainingExample> test = decode(split.get("test"), inputSize, log, "decoding test");
    Map<String, String> provenance = new LinkedHashMap<>();
    provenance.put("data_dir", dir.toAbsolutePath().toString());
    provenance.put("slices", Integer.toString(listed.size()));
    provenance.put("subject_information", Boolean.toString(subjects));
    return new TrainingData(train, validation, test, description, provenance);
  }

  /** Loads only the test (holdout) part of the subject-level split {@link #load} makes. */
  public static List<TrainingExample> loadTest(
      Path dir, int inputSize, double validationFraction, double testFraction, long seed, PrintStream log) {
    return decode(splitBySubject(list(dir), validationFraction, testFraction, seed).get("test"),
        inputSize, log, "decoding test");
  }

  /** Loads every slice of {@code dir} (no split) at {@code inputSize}, e.g. for evaluation. */
  public static List<TrainingExample> loadAll(Path dir, int inputSize, PrintStream log) {
    return decode(list(dir), inputSize, log, "decoding");
  }

  static List<Listed> list(Path dir) {
    if (!Files.isDirectory(dir)) {
      throw new IllegalArgumentException("data folder " + dir + " does not exist; pass --data DIR"
          + " with one sub-folder per class (Non_Demented, Very_Mild_Demented, ...)");
    }
    Map<String, String> subjectOf = new HashMap<>();
    Path manifest = dir.resolve("manifest.csv");
    if (Files.exists(manifest)) {
      try {
        List<String> lines = Files.readAllLines(manifest);
        for (String line : lines.subList(1, lines.size())) {
          String[] f = line.split(",");
          if (f.length >= 2) {
            subjectOf.put(Path.of(f[0].trim()).getFileName().toString(), f[1].trim());
          }
        }
      } catch (IOException e) {
        throw new UncheckedIOException("reading " + manifest + " failed", e);
      }
    }
    List<Listed> out = new ArrayList<>();
    for (DementiaStage stage : DementiaStage.values()) {
      Path classDir = dir.resolve(stage.name());
      if (!Files.isDirectory(classDir)) {
        continue;
      }
      try (Stream<Path> files = Files.list(classDir)) {
        files.filter(p -> p.getFileName().toString().toLowerCase(Locale.ROOT).matches(".+\\.(png|jpe?g)"))
            .sorted(Comparator.naturalOrder())
            .forEach(p -> out.add(new Listed(p, subjectOf.getOrDefault(
                p.getFileName().toString(), p.getFileName().toString()), stage)));
      } catch (IOException e) {
        throw new UncheckedIOException("listing " + classDir + " failed", e);
      }
    }
    if (out.isEmpty()) {
      throw new IllegalArgumentException("no PNG or JPEG slices under " + dir + "/{"
          + String.join(",", java.util.Arrays.stream(DementiaStage.values()).map(Enum::name).toList()) + "}");
    }
    return out;
  }

  static Map<String, List<Listed>> splitBySubject(List<Listed> listed, double valFraction, double testFraction, long seed) {
    Map<String, List<Listed>> bySubject = new LinkedHashMap<>();
    for (Listed l : listed) {
      bySubject.computeIfAbsent(l.subject(), s -> new ArrayList<>()).add(l);
    }
    Map<DementiaStage, List<String>> subjectsByStage = new LinkedHashMap<>();
    for (Map.Entry<String, List<Listed>> e : bySubject.entrySet()) {
      subjectsByStage.computeIfAbsent(e.getValue().get(0).label(), s -> new ArrayList<>()).add(e.getKey());
    }
    Random random = new Random(seed);
    Map<String, List<Listed>> out = new LinkedHashMap<>();
    out.put("train", new ArrayList<>());
    out.put("validation", new ArrayList<>());
    out.put("test", new ArrayList<>());
    for (List<String> subjects : subjectsByStage.values()) {
      java.util.Collections.shuffle(subjects, random);
      int n = subjects.size();
      int nTest = (int) Math.round(n * testFraction);
      int nVal = (int) Math.round(n * valFraction);
      for (int i = 0; i < n; i++) {
        String part = i < nTest ? "test" : i < nTest + nVal ? "validation" : "train";
        out.get(part).addAll(bySubject.get(subjects.get(i)));
      }
    }
    return out;
  }

  static List<TrainingExample> decode(List<Listed> listed, int inputSize, PrintStream log, String what) {
    ProgressBar bar = new ProgressBar(log, what, listed.size(), "img");
    AtomicInteger done = new AtomicInteger();
    List<TrainingExample> out = listed.parallelStream()
        .map(l -> {
          GrayImage image = read(l.file()).resize(inputSize, inputSize);
          int d = done.incrementAndGet();
          synchronized (bar) {
            bar.update(d, "");
          }
          return new TrainingExample(image, l.label(), l.subject());
        })
        .toList();
    bar.finish(listed.size() + " slices");
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
