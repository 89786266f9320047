package io.neurostream.cli;

import io.neurostream.avro.DementiaStage;
import io.neurostream.avro.LabeledScan;
import io.neurostream.avro.ScanEvent;
import io.neurostream.classifier.ingest.IngestKeys;
import io.neurostream.classifier.ingest.PatientKeys;
import io.neurostream.classifier.ingest.Progress;
import io.neurostream.classifier.ingest.RateLimiter;
import io.neurostream.classifier.ingest.ScanFiles;
import io.neurostream.config.CommonConfig;
import io.neurostream.config.CommonKeys;
import io.neurostream.config.Configuration;
import io.neurostream.kafka.Topics;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code neurostream label}: publishes LabeledScans from a Kaggle-layout folder. */
@Command(
    name = "label",
    mixinStandardHelpOptions = true,
    description = {
      "Publish the images of a Kaggle-layout folder (DIR/<class>/*.png, class one of "
          + "Non_Demented, Very_Mild_Demented, Mild_Demented, Moderate_Demented, or the Kaggle "
          + "spellings NonDemented, ...) as LabeledScans to mri.labels, labelled with their "
          + "folder's class. Scan ids are the ones `neurostream ingest DIR` gives the same files."
    },
    exitCodeListHeading = "%nExit codes:%n",
    exitCodeList = {"0:all files sent", "1:failed", "2:bad arguments",
        "3:some files were skipped or not acknowledged (listed on stderr)"})
public final class LabelCommand implements Callable<Integer> {

  @Parameters(paramLabel = "DIR", description = "Kaggle-layout folder.")
  Path dir;

  @Option(names = "--labeler", defaultValue = "label-cli",
      description = "Pseudonymous labeler id (never a name; default ${DEFAULT-VALUE}).")
  String labeler;

  @Option(names = "--rate", paramLabel = "N", defaultValue = "0",
      description = "Labels per second at most (0 = as fast as possible).")
  double rate;

  @Option(names = "--patient-key-from", paramLabel = "SOURCE", defaultValue = "auto",
      description = "auto, manifest, dicom or dir (as for ingest).")
  ScanFiles.KeySource keyFrom;

  @Mixin ClusterOptions cluster;

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Override
  public Integer call() throws Exception {
    if (!Files.isDirectory(dir)) {
      throw new IllegalArgumentException(dir + " is not a folder; give a Kaggle-layout folder "
          + "with one sub-folder per class");
    }
    Configuration c =
        Configuration.load(cluster.sources().build(), new CommonKeys(), new IngestKeys());
    CommonConfig common = CommonConfig.from(c);
    Optional<String> salt = c.find(IngestKeys.PATIENT_KEY_SALT);
    ScanFiles files = new ScanFiles(keyFrom,
        new PatientKeys(salt.orElse(IngestCommand.DEMO_SALT)), "label-cli");
    Path root = dir.toAbsolutePath().normalize();
    List<ScanFiles.Item> items = ScanFiles.list(List.of(root));
    List<String> skipped = new ArrayList<>();
    AtomicInteger unacknowledged = new AtomicInteger();
    int sent = 0;
    try (KafkaProducer<String, LabeledScan> producer = common.clients().producer(Topics.LABELS)) {
      Progress progress = new Progress(spec.commandLine().getErr(), "label", items.size());
      RateLimiter limiter = new RateLimiter(rate);
      int done = 0;
      for (ScanFiles.Item item : items) {
        limiter.acquire();
        Optional<DementiaStage> stage = stageOf(root.relativize(item.file()));
        if (stage.isEmpty()) {
          skipped.add(item.file() + ": not under a class folder (Non_Demented, ...)");
          progress.update(++done);
          continue;
        }
        ScanEvent scan;
        try {
          scan = files.read(item);
        } catch (Exception e) {
          skipped.add(item.file() + ": " + e.getMessage());
          progress.update(++done);
          continue;
        }
        LabeledScan label = LabeledScan.newBuilder()
            .setScan(scan)
            .setLabel(stage.get())
            .setLabeler(labeler)
            .setLabeledAt(Instant.now())
            .build();
        producer.send(new ProducerRecord<>(Topics.LABELS.name(),
            scan.getIdentity().getSopInstanceUid(), label), (meta, error) -> {
              if (error != null) {
                unacknowledged.incrementAndGet();
              }
            });
        sent++;
        progress.update(++done);
      }
      producer.flush();
    }
    PrintStreamLines.print(spec.commandLine().getErr(), skipped, 20);
    spec.commandLine().getOut().printf("label: %d labels published to %s, %d files skipped%n",
        sent - unacknowledged.get(), Topics.LABELS.name(), skipped.size());
    return skipped.isEmpty() && unacknowledged.get() == 0 ? 0 : IngestCommand.PARTIAL;
  }

  /** The class named by the first folder of {@code relative}, in either spelling. */
  static Optional<DementiaStage> stageOf(Path relative) {
    if (relative.getNameCount() < 2) {
      return Optional.empty();
    }
    String folder = relative.getName(0).toString().replace("_", "").replace("-", "")
        .replace(" ", "").toLowerCase(Locale.ROOT);
    for (DementiaStage s : DementiaStage.values()) {
      if (s.name().replace("_", "").toLowerCase(Locale.ROOT).equals(folder)) {
        return Optional.of(s);
      }
    }
    return Optional.empty();
  }
}
