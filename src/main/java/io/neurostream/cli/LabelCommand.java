package io.neurostream.cli;

import io.neurostream.avro.DementiaStage;
import io.neurostream.avro.LabeledScan;
import io.neurostream.avro.ScanEvent;
import io.neurostream.ingest.IngestKeys;
import io.neurostream.imaging.PatientKeys;
import io.neurostream.ingest.ScanFiles;
import io.neurostream.config.CommonConfig;
import io.neurostream.config.CommonKeys;
import io.neurostream.config.Configuration;
import io.neurostream.kafka.KafkaClients;
import io.neurostream.kafka.Topics;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.Callable;
import org.apache.kafka.clients.producer.KafkaProducer;
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
      "Publish the images of a Kaggle-layout folder as LabeledScans to mri.labels, labelled with "
          + "their folder's class (DIR/<class>/*.png, class one of Non_Demented, Very_Mild_Demented, "
          + "Mild_Demented, Moderate_Demented, or the Kaggle spellings NonDemented, ...). Scan ids are "
          + "the ones `neurostream ingest DIR` gives the same files."
    })
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

  @Mixin PublishRun.ExitCodes exitCodes;

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
    Path root = dir.toAbsolutePath().normalize();
    List<ScanFiles.Item> items = ScanFiles.list(List.of(root));
    if (items.isEmpty()) {
      throw new IllegalArgumentException("no PNG, JPEG or DICOM files under " + dir
          + "; give a Kaggle-layout folder with one sub-folder of images per class");
    }
    ClusterOptions.awaitKafka(common);
    Optional<String> salt = c.find(IngestKeys.PATIENT_KEY_SALT);
    ScanFiles files = new ScanFiles(keyFrom,
        new PatientKeys(salt.orElse(IngestCommand.DEMO_SALT)), "label-cli");
    PrintWriter err = spec.commandLine().getErr();
    PublishRun.Tally tally;
    try (KafkaProducer<String, LabeledScan> producer = KafkaClients.of(common).producer(Topics.LABELS)) {
      tally = new PublishRun<ScanFiles.Item, LabeledScan>("label", Topics.LABELS, rate, err)
          .publish(items, producer, item -> {
            Optional<DementiaStage> stage = stageOf(root.relativize(item.file()));
            if (stage.isEmpty()) {
              return PublishRun.skip(
                  item.file() + ": not under a class folder (Non_Demented, ...)");
            }
            ScanEvent scan;
            try {
              scan = files.read(item);
            } catch (Exception e) {
              return PublishRun.skip(item.file() + ": " + e.getMessage());
            }
            LabeledScan label = LabeledScan.newBuilder()
                .setScan(scan)
                .setLabel(stage.get())
                .setLabeler(labeler)
                .setLabeledAt(Instant.now())
                .build();
            return PublishRun.send(scan.getIdentity().getSopInstanceUid(), label);
          });
    }
    tally.printSkipped(err);
    // label has never reported unacknowledged sends in its summary (only in its exit code);
    // scripts may match this line, so it stays as it was.
    spec.commandLine().getOut().println(tally.summary("label"));
    return tally.exitCode();
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
