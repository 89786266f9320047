package io.neurostream.ingest;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * The optional {@code manifest.csv} of a Kaggle-layout folder: a header naming at least the
 * columns {@code file} and {@code subject} (also {@code slice}), one row per image, {@code file}
 * relative to the manifest's folder. Gives the subject of a slice, which is the patient.
 */
public final class Manifest {

  /** One row: the subject of a file and the slice index if given. */
  public record Entry(String subject, Integer slice) {}

  public static final String FILE_NAME = "manifest.csv";

  private final Map<Path, Entry> byFile;

  private Manifest(Map<Path, Entry> byFile) {
    this.byFile = byFile;
  }

  /** The manifest in {@code dir}, if there is one. */
  public static Optional<Manifest> in(Path dir) {
    Path file = dir.resolve(FILE_NAME);
    if (!Files.isRegularFile(file)) {
      return Optional.empty();
    }
    try {
      List<String> lines = Files.readAllLines(file);
      if (lines.isEmpty()) {
        return Optional.empty();
      }
      List<String> header = List.of(lines.get(0).toLowerCase(Locale.ROOT).split(","));
      int fileCol = header.indexOf("file");
      int subjectCol = header.indexOf("subject");
      int sliceCol = header.indexOf("slice");
      if (fileCol < 0 || subjectCol < 0) {
        throw new IllegalArgumentException(file + " has no 'file' and 'subject' columns; its header"
            + " must name them (file,subject,slice,class)");
      }
      Map<Path, Entry> byFile = new HashMap<>();
      for (String line : lines.subList(1, lines.size())) {
        if (line.isBlank()) {
          continue;
        }
        String[] cells = line.split(",", -1);
        Integer slice = null;
        if (sliceCol >= 0 && sliceCol < cells.length && !cells[sliceCol].isBlank()) {
          slice = Integer.valueOf(cells[sliceCol].trim());
        }
        byFile.put(dir.resolve(cells[fileCol].trim()).normalize(),
            new Entry(cells[subjectCol].trim(), slice));
      }
      return Optional.of(new Manifest(byFile));
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + file + ": " + e.getMessage(), e);
    }
  }

  /** The row of {@code file}, if the manifest lists it. */
  public Optional<Entry> entry(Path file) {
    return Optional.ofNullable(byFile.get(file.normalize()));
  }
}
