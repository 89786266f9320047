package io.neurostream.demo;

import io.neurostream.avro.DementiaStage;
import io.neurostream.imaging.DicomWriter;
import io.neurostream.phantom.PhantomDatasetWriter;
import io.neurostream.phantom.PhantomGenerator;
import io.neurostream.training.KaggleDataset;
import io.neurostream.training.LabeledImage;
import io.neurostream.training.SubjectSplit;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.function.IntConsumer;

/**
 * The demo's phantom subjects, split by subject into the set the initial model is trained on and the
 * set the PACS streams. No subject is on both sides, so the stream measures the models on patients
 * they never saw; within the stream a subject's slices go out together, as a series does, so a
 * fine-tuned model is never scored on a patient whose other slices it was trained on.
 *
 * @param phantoms every phantom, Kaggle layout with {@code manifest.csv}
 * @param initialSet the initial model's subjects, Kaggle layout (links into {@code phantoms})
 * @param initialSubjects subjects per stage in the initial set
 * @param stream the stream set in sending order
 * @param streamSubjects subjects per stage in the stream set
 */
public record DemoCohort(
    Path phantoms,
    Path initialSet,
    Map<DementiaStage, Integer> initialSubjects,
    List<StreamScan> stream,
    Map<DementiaStage, Integer> streamSubjects) {

  public DemoCohort {
    stream = List.copyOf(stream);
    initialSubjects = Map.copyOf(initialSubjects);
    streamSubjects = Map.copyOf(streamSubjects);
  }

  /**
   * Generates {@code subjects × slicesPerSubject} phantoms into {@code workDir/phantoms} and splits
   * them: about {@code initialSubjects} subjects (stratified by stage, at least one per stage) for
   * the initial model in {@code workDir/initial}, the rest for the stream.
   *
   * @param onImage progress: images rendered so far
   */
  public static DemoCohort generate(
      Path workDir, PhantomGenerator generator, int subjects, int slicesPerSubject, int initialSubjects,
      long seed, IntConsumer onImage) {
    if (initialSubjects < 1 || initialSubjects >= subjects) {
      throw new IllegalArgumentException("--initial-subjects " + initialSubjects + " must be at least 1 "
          + "and below --subjects " + subjects + " so that some subjects are left to stream");
    }
    Path phantoms = workDir.resolve("phantoms");
    int threads = Math.max(1, Math.min(4, Runtime.getRuntime().availableProcessors()));
    PhantomDatasetWriter.write(generator, phantoms, subjects, slicesPerSubject, threads, false, onImage);

    List<LabeledImage> images = KaggleDataset.load(phantoms);
    double streamShare = 1 - (double) initialSubjects / subjects;
    SubjectSplit split = SubjectSplit.split(images, streamShare, 0, seed);
    Path initialSet = workDir.resolve("initial");
    layOut(phantoms, split.train(), initialSet);
    List<StreamScan> stream = streamOrder(split.test(), slicesPerSubject, seed);
    return new DemoCohort(phantoms, initialSet, subjectsPerStage(split.train()), stream,
        subjectsPerStage(split.test()));
  }

  /** Links the initial subjects' slices into a Kaggle-layout folder of their own, with a manifest. */
  private static void layOut(Path phantoms, List<LabeledImage> images, Path dir) {
    StringBuilder manifest = new StringBuilder(PhantomDatasetWriter.MANIFEST_HEADER).append('\n');
    try {
      for (LabeledImage img : images) {
        Path relative = phantoms.relativize(img.file());
        Path target = dir.resolve(relative.toString());
        Files.createDirectories(target.getParent());
        try {
          Files.createLink(target, img.file());
        } catch (UnsupportedOperationException | IOException noLinks) {
          Files.copy(img.file(), target);
        }
        manifest.append(relative.toString().replace('\\', '/')).append(',').append(img.subject())
            .append(',').append(img.slice()).append(',').append(img.label().name()).append('\n');
      }
      Files.writeString(dir.resolve(PhantomDatasetWriter.MANIFEST), manifest, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot lay out the initial training set in " + dir + ": "
          + e.getMessage() + "; check that the work dir is writable", e);
    }
  }

  /**
   * The stream set as a PACS sends it: subjects in a seeded random order, each subject's slices
   * together in slice order, with DICOM UIDs derived from the seed and the subject (reproducible).
   */
  static List<StreamScan> streamOrder(List<LabeledImage> images, int slicesPerSubject, long seed) {
    Map<String, List<LabeledImage>> bySubject = new LinkedHashMap<>();
    images.stream()
        .sorted(Comparator.comparing(LabeledImage::subject).thenComparingInt(LabeledImage::slice))
        .forEach(img -> bySubject.computeIfAbsent(img.subject(), s -> new ArrayList<>()).add(img));
    List<String> order = new ArrayList<>(bySubject.keySet());
    Collections.shuffle(order, new Random(seed));
    List<StreamScan> out = new ArrayList<>(images.size());
    for (String subject : order) {
      String prefix = "neurostream-demo/" + seed + "/" + subject;
      String study = DicomWriter.uidFromName(prefix + "/study");
      String series = DicomWriter.uidFromName(prefix + "/series");
      List<LabeledImage> slices = bySubject.get(subject);
      for (LabeledImage img : slices) {
        int slice = img.slice() == LabeledImage.UNKNOWN_SLICE ? slices.indexOf(img) : img.slice();
        out.add(new StreamScan(DicomWriter.uidFromName(prefix + "/slice/" + slice), study, series,
            subject, slice, Math.max(slicesPerSubject, slices.size()), img.label(), img.file()));
      }
    }
    return out;
  }

  private static Map<DementiaStage, Integer> subjectsPerStage(List<LabeledImage> images) {
    Map<DementiaStage, Set<String>> subjects = new EnumMap<>(DementiaStage.class);
    for (LabeledImage img : images) {
      subjects.computeIfAbsent(img.label(), k -> new HashSet<>()).add(img.subject());
    }
    Map<DementiaStage, Integer> out = new EnumMap<>(DementiaStage.class);
    for (DementiaStage s : DementiaStage.values()) {
      out.put(s, subjects.getOrDefault(s, Set.of()).size());
    }
    return out;
  }

  /** Subjects in the stream set. */
  public int streamSubjectCount() {
    return streamSubjects.values().stream().mapToInt(Integer::intValue).sum();
  }

  /** Subjects in the initial set. */
  public int initialSubjectCount() {
    return initialSubjects.values().stream().mapToInt(Integer::intValue).sum();
  }
  /** The subject's true stage by series of the stream, for scoring the verdicts. */
  Map<String, DementiaStage> truthBySeries() {
    Map<String, DementiaStage> truth = new HashMap<>();
    for (StreamScan scan : stream) {
      truth.put(scan.seriesInstanceUid(), scan.truth());
    }
    return truth;
  }

  /** The series each streamed scan (SOP Instance UID) belongs to. */
  Map<String, String> seriesBySop() {
    Map<String, String> seriesOf = new HashMap<>();
    for (StreamScan scan : stream) {
      seriesOf.put(scan.sopInstanceUid(), scan.seriesInstanceUid());
    }
    return seriesOf;
  }

  /** Subjects per stage as the console line shows them, e.g. "(3/2/2/1 Non/VeryMild/Mild/Moderate)". */
  static String stages(Map<DementiaStage, Integer> perStage) {
    List<String> parts = new ArrayList<>();
    for (DementiaStage s : DementiaStage.values()) {
      parts.add(Integer.toString(perStage.getOrDefault(s, 0)));
    }
    return "(" + String.join("/", parts) + " Non/VeryMild/Mild/Moderate)";
  }
}
