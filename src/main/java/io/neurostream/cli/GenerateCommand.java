package io.neurostream.cli;

import io.neurostream.avro.DementiaStage;
import io.neurostream.config.Plural;
import io.neurostream.imaging.ContactSheet;
import io.neurostream.imaging.GrayImage;
import io.neurostream.phantom.PhantomDatasetWriter;
import io.neurostream.phantom.PhantomGenerator;
import io.neurostream.phantom.PhantomSubject;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code neurostream generate}: writes a synthetic brain-MRI data set in the Kaggle layout. */
@Command(
    name = "generate",
    mixinStandardHelpOptions = true,
    description = {
      "Write procedural axial T1 brain-MRI phantoms (8-bit gray PNG) in the Kaggle layout, with a manifest.",
      "  DIR/{Non_Demented,Very_Mild_Demented,Mild_Demented,Moderate_Demented}/*.png",
      "  DIR/manifest.csv (file,subject,slice,class)",
      "The stage drives atrophy (ventricles, sulci, cortex, hippocampus) with overlap between",
      "neighbouring stages. The same seed gives the same bytes on any number of threads."
    })
public final class GenerateCommand implements Callable<Integer> {

  @Spec CommandSpec spec;

  @Option(names = "--out", required = true, description = "Output directory (absent or empty).")
  Path out;

  @Option(names = "--subjects", defaultValue = "200", description = "Subjects (default: ${DEFAULT-VALUE}).")
  int subjects;

  @Option(names = "--slices-per-subject", defaultValue = "32",
      description = "Axial slices per subject (default: ${DEFAULT-VALUE}).")
  int slicesPerSubject;

  @Option(names = "--seed", defaultValue = "42", description = "Random seed (default: ${DEFAULT-VALUE}).")
  long seed;

  @Option(names = "--size", defaultValue = "128", description = "Image side in pixels (default: ${DEFAULT-VALUE}).")
  int size;

  @Option(names = "--proportions", defaultValue = "0.50,0.35,0.14,0.01", split = ",",
      description = "Subject proportions Non,Very mild,Mild,Moderate (default: ${DEFAULT-VALUE}, the"
          + " seed data set's).")
  double[] proportions;

  @Option(names = "--threads", description = "Worker threads (default: available processors).")
  Integer threads;

  @Option(names = "--overwrite", description = "Replace the PNGs and manifest of an existing data set in --out.")
  boolean overwrite;

  @Option(names = "--contact-sheet", paramLabel = "PNG",
      description = "Also write a preview grid: one row per class, 6 slices each.")
  Path contactSheet;

  @Override
  public Integer call() throws IOException {
    if (System.getProperty("java.awt.headless") == null) {
      System.setProperty("java.awt.headless", "true");
    }
    if (subjects < 1 || slicesPerSubject < 1) {
      throw new IllegalArgumentException("--subjects and --slices-per-subject must be at least 1");
    }
    if ((long) subjects * slicesPerSubject > 10_000_000L) {
      throw new IllegalArgumentException("--subjects x --slices-per-subject is over 10 million images; "
          + "make a smaller set");
    }
    int workers = threads == null ? Runtime.getRuntime().availableProcessors() : threads;
    if (workers < 1) {
      throw new IllegalArgumentException("--threads must be at least 1, got " + workers);
    }
    PhantomGenerator generator = PhantomGenerator.builder()
        .setSeed(seed).optSize(size).optProportions(proportions).build();
    int total = subjects * slicesPerSubject;
    PrintWriter err = spec.commandLine().getErr();
    Progress progress = new Progress(err, total);

    PhantomDatasetWriter.Summary summary = PhantomDatasetWriter.write(
        generator, out, subjects, slicesPerSubject, workers, overwrite, progress::update);
    progress.finish();

    PrintWriter stdout = spec.commandLine().getOut();
    stdout.printf(Locale.ROOT, "wrote %s of %s (%s each) to %s in %.1f s "
            + "(%.0f images/s, %s, seed %d)%n",
        Plural.of(summary.images(), "image"), Plural.of(summary.subjects(), "subject"),
        Plural.of(slicesPerSubject, "slice"), out,
        summary.elapsed().toMillis() / 1000.0,
        summary.images() / Math.max(1e-3, summary.elapsed().toMillis() / 1000.0),
        Plural.of(workers, "thread"), seed);
    for (DementiaStage stage : DementiaStage.values()) {
      int subjectCount = summary.subjectsPerStage().get(stage);
      int imageCount = summary.imagesPerStage().get(stage);
      stdout.printf(Locale.ROOT, "  %-20s %5d %-8s %7d %s%n", stage.name(), subjectCount,
          Plural.noun(subjectCount, "subject"), imageCount, Plural.noun(imageCount, "image"));
    }
    if (contactSheet != null) {
      writeContactSheet(generator);
      stdout.println("contact sheet: " + contactSheet);
    }
    stdout.flush();
    return 0;
  }

  private void writeContactSheet(PhantomGenerator generator) throws IOException {
    List<PhantomSubject> all = generator.subjects(subjects, slicesPerSubject);
    List<List<GrayImage>> rows = new ArrayList<>();
    for (DementiaStage stage : DementiaStage.values()) {
      List<GrayImage> row = new ArrayList<>();
      for (PhantomSubject s : all) {
        if (s.stage() == stage && row.size() < 6) {
          // spread the examples over the slice levels
          row.add(generator.render(s, (row.size() * 2 + 1) * slicesPerSubject / 12));
        }
      }
      if (!row.isEmpty()) {
        rows.add(row);
      }
    }
    Files.write(contactSheet, ContactSheet.of(rows, size, 2).toPng());
  }

  /**
   * Progress on stderr with rate and ETA: one line redrawn a few times a second on a terminal, a
   * new line every 10% otherwise (so logs stay readable).
   */
  private static final class Progress {
    private final PrintWriter err;
    private final int total;
    private final boolean terminal = System.console() != null;
    private final long start = System.nanoTime();
    private long lastPrint;
    private int lastDecile;

    Progress(PrintWriter err, int total) {
      this.err = err;
      this.total = total;
    }

    synchronized void update(int done) {
      long now = System.nanoTime();
      int decile = (int) (10L * done / total);
      boolean due = terminal
          ? now - lastPrint >= 250_000_000L || done == total
          : decile > lastDecile;
      if (!due) {
        return;
      }
      lastPrint = now;
      lastDecile = decile;
      double seconds = (now - start) / 1e9;
      double rate = done / Math.max(seconds, 1e-3);
      double eta = (total - done) / Math.max(rate, 1e-3);
      err.printf(Locale.ROOT, "%sgenerate: %d/%d images (%3.0f%%) %6.0f img/s ETA %4.0f s%s",
          terminal ? "\r" : "", done, total, 100.0 * done / total, rate, eta, terminal ? " " : "\n");
      err.flush();
    }

    synchronized void finish() {
      if (terminal) {
        err.println();
      }
      err.flush();
    }
  }
}
