package io.neurostream.training;

import io.neurostream.avro.DementiaStage;
import io.neurostream.config.Plural;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A data set in the layout of the Kaggle "Alzheimer MRI Preprocessed Dataset": one folder per
 * class under a root, images (PNG or JPEG, any size, gray or RGB) inside. The files are listed, not
 * decoded.
 *
 * <p>Class folders are matched ignoring case and punctuation, so {@code Non_Demented}, {@code
 * NonDemented} and {@code Non Demented} all mean {@link DementiaStage#Non_Demented}.
 *
 * <p>Subjects, in order of preference:
 *
 * <ol>
 *   <li>{@code manifest.csv} in the root ({@code file,subject,slice[,class]}, file relative to the
 *       root), as {@code neurostream generate} writes it. It must cover every image.
 *   <li>BIDS-like file names {@code sub-<id>_...}: the subject is {@code sub-<id>}, the slice the
 *       number after {@code _s} or {@code _slice-} when present. Used only if every file matches.
 *   <li>Otherwise (the real Kaggle set has no subject information) every image is its own subject,
 *       {@code <class>/<file name>}, and a loud WARNING says that a subject-level split is impossible
 *       and slice-level accuracy will be inflated (Yagis et al., Sci Rep 2021). No file-name
 *       grouping is guessed: a wrong guess would hide leakage instead of announcing it.
 * </ol>
 */
public final class KaggleDataset {

  private static final Logger LOG = LoggerFactory.getLogger(KaggleDataset.class);

  /** The manifest's file name inside the root. */
  public static final String MANIFEST = "manifest.csv";

  private static final Pattern BIDS = Pattern.compile("^(sub-[A-Za-z0-9]+)[_.].*$");

  private static final Pattern BIDS_SLICE = Pattern.compile("_(?:s|slice-)(\\d+)(?:[._]|$)");

  /** How the subjects of a data set were found. */
  public enum SubjectSource {
    /** From {@code manifest.csv}. */
    MANIFEST,
    /** From {@code sub-<id>_...} file names. */
    FILE_NAMES,
    /** Not known: each image is its own subject. */
    NONE
  }

  private final Path root;
  private final List<LabeledImage> images;
  private final SubjectSource subjectSource;

  private KaggleDataset(Path root, List<LabeledImage> images, SubjectSource subjectSource) {
    this.root = root;
    this.images = List.copyOf(images);
    this.subjectSource = subjectSource;
  }

  /** The images of the data set at {@code dir}; see {@link #open(Path)}. */
  public static List<LabeledImage> load(Path dir) {
    return open(dir).images();
  }

  /**
   * Lists the data set at {@code dir}, ordered by class then file name.
   *
   * @throws IllegalArgumentException naming the problem and the fix: missing directory, no class
   *     folders, unknown folder names, no images, or a manifest that does not match the files
   */
  public static KaggleDataset open(Path dir) {
    if (dir == null || !Files.isDirectory(dir)) {
      throw new IllegalArgumentException("data set directory " + dir + " does not exist or is not "
          + "a directory; pass the folder that holds " + expectedFolders());
    }
    Map<DementiaStage, Path> classDirs = new EnumMap<>(DementiaStage.class);
    List<String> unknown = new ArrayList<>();
    for (Path sub : list(dir)) {
      if (!Files.isDirectory(sub) || sub.getFileName().toString().startsWith(".")) {
        continue;
      }
      String name = sub.getFileName().toString();
      DementiaStage stage = stageOf(name);
      if (stage == null) {
        unknown.add(name);
      } else if (classDirs.put(stage, sub) != null) {
        throw new IllegalArgumentException("two folders in " + dir + " mean " + stage + ": "
            + classDirs.get(stage).getFileName() + " and " + name + "; keep one");
      }
    }
    if (classDirs.isEmpty()) {
      throw new IllegalArgumentException("no class folders in " + dir + "; expected " + expectedFolders()
          + (unknown.isEmpty() ? "" : ", found " + unknown
              + " (if these are splits like train/test, point at one of them)"));
    }
    if (!unknown.isEmpty()) {
      throw new IllegalArgumentException("unknown class folder(s) " + unknown + " in " + dir
          + "; expected only " + expectedFolders());
    }

    List<Path[]> files = new ArrayList<>(); // {file, classDir}
    Map<Path, DementiaStage> labelOf = new HashMap<>();
    for (Map.Entry<DementiaStage, Path> e : classDirs.entrySet()) {
      List<Path> inClass = list(e.getValue()).stream()
          .filter(Files::isRegularFile)
          .filter(p -> isImage(p.getFileName().toString()))
          .sorted()
          .toList();
      if (inClass.isEmpty()) {
        LOG.warn("class folder {} holds no PNG or JPEG images", e.getValue());
      }
      for (Path p : inClass) {
        labelOf.put(p, e.getKey());
        files.add(new Path[] {p, e.getValue()});
      }
    }
    if (files.isEmpty()) {
      throw new IllegalArgumentException("data set " + dir + " holds no images (.png, .jpg, .jpeg) in "
          + classDirs.values().stream().map(p -> p.getFileName().toString()).toList());
    }

    Path manifest = dir.resolve(MANIFEST);
    List<LabeledImage> images;
    SubjectSource source;
    if (Files.isRegularFile(manifest)) {
      images = fromManifest(dir, manifest, files, labelOf);
      source = SubjectSource.MANIFEST;
    } else if (files.stream().allMatch(f -> BIDS.matcher(f[0].getFileName().toString()).matches())) {
      images = new ArrayList<>();
      for (Path[] f : files) {
        String name = f[0].getFileName().toString();
        Matcher m = BIDS.matcher(name);
        m.matches(); // checked above
        Matcher s = BIDS_SLICE.matcher(name);
        int slice = s.find() ? Integer.parseInt(s.group(1)) : LabeledImage.UNKNOWN_SLICE;
        images.add(new LabeledImage(f[0], m.group(1), slice, labelOf.get(f[0])));
      }
      source = SubjectSource.FILE_NAMES;
    } else {
      images = new ArrayList<>();
      for (Path[] f : files) {
        String subject = f[1].getFileName() + "/" + f[0].getFileName();
        images.add(new LabeledImage(f[0], subject, LabeledImage.UNKNOWN_SLICE, labelOf.get(f[0])));
      }
      source = SubjectSource.NONE;
      LOG.warn("WARNING: {} has no subject information (no {} and file names are not sub-<id>_...). "
          + "Every image is treated as its own subject, so slices of one patient can land in both "
          + "train and test: a subject-level split is IMPOSSIBLE and slice-level accuracy WILL BE "
          + "INFLATED (Yagis et al., Sci Rep 2021, data leakage in 2D CNN brain-MRI classification). "
          + "Add a {} with columns file,subject,slice,class to split by subject.",
          dir, MANIFEST, MANIFEST);
    }
    KaggleDataset ds = new KaggleDataset(dir, images, source);
    LOG.info("data set {}: {}, {} ({}), per class {}", dir, Plural.of(images.size(), "image"),
        Plural.of(ds.subjects().size(), "subject"), source, ds.imagesPerClass());
    ds.missingClassesWarning().ifPresent(LOG::warn);
    return ds;
  }

  /** The classes of which the data set holds no image, in class order. */
  public List<DementiaStage> missingClasses() {
    return imagesPerClass().entrySet().stream().filter(e -> e.getValue() == 0).map(Map.Entry::getKey).toList();
  }

  /**
   * A warning when some classes have no image: a model trained on this folder can never predict
   * them, and its balanced accuracy is over the classes present only. Empty when every class is
   * there.
   */
  public Optional<String> missingClassesWarning() {
    List<DementiaStage> missing = missingClasses();
    if (missing.isEmpty()) {
      return Optional.empty();
    }
    int total = DementiaStage.values().length;
    return Optional.of("WARNING: " + root + " holds images of only " + (total - missing.size()) + " of the " + total
        + " classes; none of " + missing + ". A model trained on it can never predict "
        + (missing.size() == 1 ? "that class" : "those classes") + ", and its balanced accuracy covers only the "
        + "classes present. Add a folder of images for each missing class; the folders are " + expectedFolders() + ".");
  }

  private static List<LabeledImage> fromManifest(
      Path dir, Path manifest, List<Path[]> files, Map<Path, DementiaStage> labelOf) {
    List<String> lines;
    try {
      lines = Files.readAllLines(manifest, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + manifest + ": " + e.getMessage(), e);
    }
    if (lines.isEmpty()) {
      throw new IllegalArgumentException(manifest + " is empty; it needs a header file,subject,slice");
    }
    List<String> header = Arrays.stream(lines.get(0).split(",", -1))
        .map(h -> h.strip().toLowerCase(Locale.ROOT)).toList();
    int fileCol = header.indexOf("file");
    int subjectCol = header.indexOf("subject");
    int sliceCol = header.indexOf("slice");
    int classCol = header.indexOf("class");
    if (fileCol < 0 || subjectCol < 0) {
      throw new IllegalArgumentException(manifest + " header is " + lines.get(0)
          + "; it needs at least the columns file,subject (and optionally slice,class)");
    }
    Map<String, Path> known = new HashMap<>();
    for (Path[] f : files) {
      known.put(relative(dir, f[0]), f[0]);
    }
    Map<String, LabeledImage> byFile = new HashMap<>();
    for (int i = 1; i < lines.size(); i++) {
      String line = lines.get(i);
      if (line.isBlank()) {
        continue;
      }
      String[] cells = line.split(",", -1);
      String where = manifest.getFileName() + " line " + (i + 1);
      if (cells.length < header.size()) {
        throw new IllegalArgumentException(where + " has " + cells.length + " cells, the header "
            + header.size() + ": " + line);
      }
      String name = cells[fileCol].strip();
      String key = Path.of(name).normalize().toString().replace('\\', '/');
      Path file = known.get(key);
      if (file == null) {
        throw new IllegalArgumentException(where + " names " + name
            + ", which is not an image in a class folder of " + dir + "; regenerate the manifest");
      }
      DementiaStage label = labelOf.get(file);
      if (classCol >= 0 && !cells[classCol].isBlank()) {
        DementiaStage stated = stageOf(cells[classCol].strip());
        if (stated != label) {
          throw new IllegalArgumentException(where + " says class " + cells[classCol] + " but "
              + name + " is in the " + label + " folder; fix one of them");
        }
      }
      int slice = LabeledImage.UNKNOWN_SLICE;
      if (sliceCol >= 0 && !cells[sliceCol].isBlank()) {
        try {
          slice = Integer.parseInt(cells[sliceCol].strip());
        } catch (NumberFormatException e) {
          throw new IllegalArgumentException(where + " has slice '" + cells[sliceCol]
              + "', not a whole number");
        }
      }
      String subject = cells[subjectCol].strip();
      if (subject.isEmpty()) {
        throw new IllegalArgumentException(where + " has an empty subject");
      }
      if (byFile.put(key, new LabeledImage(file, subject, slice, label)) != null) {
        throw new IllegalArgumentException(where + " lists " + name + " a second time");
      }
    }
    List<LabeledImage> images = new ArrayList<>(files.size());
    List<String> missing = new ArrayList<>();
    for (Path[] f : files) {
      LabeledImage img = byFile.get(relative(dir, f[0]));
      if (img == null) {
        missing.add(relative(dir, f[0]));
      } else {
        images.add(img);
      }
    }
    if (!missing.isEmpty()) {
      throw new IllegalArgumentException(missing.size() + " image(s) are not in " + manifest
          + ", e.g. " + missing.subList(0, Math.min(3, missing.size()))
          + "; add them or remove the manifest (then subjects are unknown)");
    }
    return images;
  }

  private static String relative(Path dir, Path file) {
    return dir.relativize(file).normalize().toString().replace('\\', '/');
  }

  /** The stage a class folder name means, ignoring case and punctuation; null if none. */
  static DementiaStage stageOf(String folderName) {
    String key = folderName.toLowerCase(Locale.ROOT).replaceAll("[^a-z]", "");
    for (DementiaStage s : DementiaStage.values()) {
      if (s.name().toLowerCase(Locale.ROOT).replaceAll("[^a-z]", "").equals(key)) {
        return s;
      }
    }
    return null;
  }

  private static String expectedFolders() {
    return Arrays.stream(DementiaStage.values()).map(Enum::name).collect(Collectors.joining(", ", "[", "]"));
  }

  private static boolean isImage(String name) {
    String n = name.toLowerCase(Locale.ROOT);
    return !n.startsWith(".") && (n.endsWith(".png") || n.endsWith(".jpg") || n.endsWith(".jpeg"));
  }

  private static List<Path> list(Path dir) {
    try (Stream<Path> s = Files.list(dir)) {
      return s.sorted().toList();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot list " + dir + ": " + e.getMessage(), e);
    }
  }

  /** The root directory. */
  public Path root() {
    return root;
  }

  /** All images, ordered by class then file name. */
  public List<LabeledImage> images() {
    return images;
  }

  /** Where the subjects came from; {@link SubjectSource#NONE} means a subject split is impossible. */
  public SubjectSource subjectSource() {
    return subjectSource;
  }

  /** True when subjects are real (manifest or file names), so a subject-level split is possible. */
  public boolean hasSubjects() {
    return subjectSource != SubjectSource.NONE;
  }

  /** Distinct subject ids. */
  public Set<String> subjects() {
    Set<String> s = new HashSet<>();
    for (LabeledImage i : images) {
      s.add(i.subject());
    }
    return Collections.unmodifiableSet(s);
  }

  /** Image count per class, every class present (possibly 0). */
  public Map<DementiaStage, Integer> imagesPerClass() {
    Map<DementiaStage, Integer> counts = new EnumMap<>(DementiaStage.class);
    for (DementiaStage s : DementiaStage.values()) {
      counts.put(s, 0);
    }
    for (LabeledImage i : images) {
      counts.merge(i.label(), 1, Integer::sum);
    }
    return counts;
  }
}
