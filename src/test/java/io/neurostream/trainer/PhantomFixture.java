package io.neurostream.trainer;

import ai.djl.Device;
import ai.djl.engine.Engine;
import io.neurostream.model.BundleMetadata;
import io.neurostream.model.ModelBundle;
import io.neurostream.model.Normalization;
import io.neurostream.model.PretrainedBackbone;
import io.neurostream.model.ScanClassifierModel;
import io.neurostream.training.Augmentation;
import io.neurostream.training.Training;
import io.neurostream.training.TrainingData;
import io.neurostream.training.TrainingExample;
import io.neurostream.training.TrainingOptions;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Starting models for the trainer ITs, made once per build (kept in target/it-fixtures): a small
 * network briefly trained on phantoms (its backbone has learned something, its head a little),
 * and the same backbone under a fresh, untrained head, the weak initial model the trainer must
 * improve on. Phantoms of another seed than the ITs' labels and scans.
 */
final class PhantomFixture {

  private static final Path DIR = Path.of("target", "it-fixtures", "phantom-r18-40px-v1");
  private static Path pretrained;
  private static Path freshHead;

  private PhantomFixture() {}

  /** The briefly trained model (version {@code fixture-pretrained}). */
  static synchronized Path pretrained() {
    if (pretrained == null) {
      Path file = DIR.resolve("pretrained.bundle");
      if (!isBundle(file)) {
        train(file);
      }
      pretrained = file;
    }
    return pretrained;
  }

  /** Its backbone under an untrained head (version {@code fixture-fresh-head}). */
  static synchronized Path freshHead() {
    if (freshHead == null) {
      Path file = DIR.resolve("fresh-head.bundle");
      if (!isBundle(file)) {
        Engine.getInstance().setRandomSeed(7);
        try (ScanClassifierModel model = ScanClassifierModel.create(TestStack.SMALL, Normalization.DEFAULT, Device.cpu())) {
          PretrainedBackbone.load(pretrained().toString(), model);
          ModelBundle.write(model, BundleMetadata.of(model, "fixture-fresh-head", null, Map.of(), Map.of()), file);
        }
      }
      freshHead = file;
    }
    return freshHead;
  }

  /** A copy of a fixture under {@code dir} (tests must not change the shared files). */
  static Path copy(Path fixture, Path dir) {
    try {
      Files.createDirectories(dir);
      return Files.copy(fixture, dir.resolve(fixture.getFileName()), StandardCopyOption.REPLACE_EXISTING);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static void train(Path file) {
    List<TrainingExample> train = new ArrayList<>();
    List<TrainingExample> validation = new ArrayList<>();
    for (PhantomScans.Slice s : PhantomScans.slices(99, 60, 5, "fixture")) {
      TrainingExample e = new TrainingExample(s.image(), s.stage(), s.patient());
      (s.patient().hashCode() % 6 == 0 ? validation : train).add(e);
    }
    Path work = DIR.resolve("work");
    var result = Training.run(TrainingOptions.builder()
        .setOutput(work.resolve("model.bundle"))
        .optReportDir(work)
        .optSpec(TestStack.SMALL)
        .optVersion("fixture-pretrained")
        .optEpochs(5)
        .optPatience(5)
        .optBatchSize(16)
        .optLearningRate(1e-3f)
        .optAugmentation(Augmentation.NONE)
        .optSeed(42)
        .optProgress(System.err)
        .build(), new TrainingData(train, validation, List.of(), "phantom fixture", Map.of()));
    try {
      Files.move(result.bundle(), file, StandardCopyOption.REPLACE_EXISTING);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    System.err.printf("fixture: pretrained %d slices x %d epochs, validation balanced accuracy %.3f%n",
        train.size(), result.history().size(), result.validation().balancedAccuracy());
  }

  private static boolean isBundle(Path file) {
    try {
      ModelBundle.open(file);
      return true;
    } catch (RuntimeException e) {
      return false;
    }
  }
}
