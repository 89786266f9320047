package io.neurostream.phantom;

import io.neurostream.avro.DementiaStage;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.IntConsumer;
import java.util.stream.Stream;

/**
 * Writes a phantom data set in the Kaggle layout: {@code DIR/<DementiaStage>/<subject>_s<slice>.png}
 * (8-bit grayscale) and {@code DIR/manifest.csv} with {@code file,subject,slice,class} (file
 * relative to DIR, slice 0 = lowest level). Subjects are rendered in parallel; the files do not
 * depend on the thread count.
 */
public final class PhantomDatasetWriter {

  /** The manifest's file name inside the data set directory. */
  public static final String MANIFEST = "manifest.csv";

  /** The manifest's header line. */
  public static final String MANIFEST_HEADER = "file,subject,slice,class";

  /**
   * What was written.
   *
   * @param directory the data set root
   * @param subjectsPerStage subjects per stage
   * @param imagesPerStage images per stage
   * @param elapsed wall time of rendering and writing
   */
  public record Summary(
      Path directory,
      Map<DementiaStage, Integer> subjectsPerStage,
      Map<DementiaStage, Integer> imagesPerStage,
      Duration elapsed) {

    public int images() {
      return imagesPerStage.values().stream().mapToInt(Integer::intValue).sum();
    }

    public int subjects() {
      return subjectsPerStage.values().stream().mapToInt(Integer::intValue).sum();
    }
  }

  private PhantomDatasetWriter() {}

  /**
   * Renders {@code subjects × slicesPerSubject} slices into {@code dir}, which must be absent or
   * empty unless {@code overwrite} is set (then only the class folders' PNGs and the manifest are
   * replaced).
   *
   * @param threads worker threads (1 or more)
   * @param onImage called with the number of images done so far, from worker threads
   */
  public static Summary write(
      PhantomGenerator generator,
      Path dir,
      int subjects,
      int slicesPerSubject,
      int threads,
      boolean overwrite,
      IntConsumer onImage) {
    if (threads < 1) {
      throw new IllegalArgumentException("threads must be at least 1, got " + threads);
    }
    long start = System.nanoTime();
    List<PhantomSubject> all = generator.subjects(subjects, slicesPerSubject);
    prepare(dir, overwrite);
    String[] lines = new String[subjects * slicesPerSubject];
    int digits = Math.max(2, Integer.toString(slicesPerSubject - 1).length());
    AtomicInteger done = new AtomicInteger();
    ExecutorService pool = Executors.newFixedThreadPool(threads, r -> {
      Thread t = new Thread(r, "phantom-writer");
      t.setDaemon(true);
      return t;
    });
    try {
      List<Future<?>> futures = new ArrayList<>(subjects);
      for (PhantomSubject subject : all) {
        futures.add(pool.submit(() -> {
          for (int slice = 0; slice < slicesPerSubject; slice++) {
            String file = subject.stage().name() + "/" + subject.id() + "_s"
                + String.format("%0" + digits + "d", slice) + ".png";
            byte[] png = generator.render(subject, slice).toPng();
            try {
              Files.write(dir.resolve(file), png);
            } catch (IOException e) {
              throw new UncheckedIOException("cannot write " + dir.resolve(file) + ": " + e.getMessage(), e);
            }
            lines[subject.index() * slicesPerSubject + slice] =
                file + "," + subject.id() + "," + slice + "," + subject.stage().name();
            onImage.accept(done.incrementAndGet());
          }
          return null;
        }));
      }
      for (Future<?> f : futures) {
        f.get();
      }
    } catch (ExecutionException e) {
      Throwable cause = e.getCause();
      if (cause instanceof RuntimeException re) {
        throw re;
      }
      throw new IllegalStateException("rendering a phantom failed: " + cause, cause);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while writing phantoms to " + dir, e);
    } finally {
      pool.shutdownNow();
    }
    StringBuilder manifest = new StringBuilder(MANIFEST_HEADER).append('\n');
    for (String line : lines) {
      manifest.append(line).append('\n');
    }
    try {
      Files.writeString(dir.resolve(MANIFEST), manifest, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write " + dir.resolve(MANIFEST) + ": " + e.getMessage(), e);
    }
    Map<DementiaStage, Integer> subjectCount = new EnumMap<>(DementiaStage.class);
    Map<DementiaStage, Integer> imageCount = new EnumMap<>(DementiaStage.class);
    for (DementiaStage s : DementiaStage.values()) {
      subjectCount.put(s, 0);
      imageCount.put(s, 0);
    }
    for (PhantomSubject s : all) {
      subjectCount.merge(s.stage(), 1, Integer::sum);
      imageCount.merge(s.stage(), slicesPerSubject, Integer::sum);
    }
    return new Summary(dir, subjectCount, imageCount, Duration.ofNanos(System.nanoTime() - start));
  }

  private static void prepare(Path dir, boolean overwrite) {
    try {
      if (Files.exists(dir) && !Files.isDirectory(dir)) {
        throw new IllegalArgumentException(dir + " exists and is not a directory; choose another --out");
      }
      if (Files.isDirectory(dir)) {
        boolean empty;
        try (Stream<Path> s = Files.list(dir)) {
          empty = s.findAny().isEmpty();
        }
        if (!empty && !overwrite) {
          throw new IllegalArgumentException(
              dir + " is not empty; choose a new --out directory or pass --overwrite");
        }
        if (!empty) {
          for (DementiaStage stage : DementiaStage.values()) {
            Path classDir = dir.resolve(stage.name());
            if (Files.isDirectory(classDir)) {
              try (Stream<Path> s = Files.list(classDir)) {
                for (Path p : (Iterable<Path>) s::iterator) {
                  if (p.getFileName().toString().endsWith(".png")) {
                    Files.delete(p);
                  }
                }
              }
            }
          }
          Files.deleteIfExists(dir.resolve(MANIFEST));
        }
      }
      for (DementiaStage stage : DementiaStage.values()) {
        Files.createDirectories(dir.resolve(stage.name()));
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot prepare " + dir + ": " + e.getMessage(), e);
    }
  }
}
