package io.neurostream.cli;

import io.neurostream.avro.ImageEncoding;
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
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code neurostream ingest}: publishes image files as ScanEvents to mri.scans. */
@Command(
    name = "ingest",
    mixinStandardHelpOptions = true,
    description = {
      "Publish PNG, JPEG and DICOM Part 10 files (or folders of them) as ScanEvents to mri.scans, "
          + "keyed by SOP Instance UID. DICOM UIDs are kept; PNG/JPEG get deterministic 2.25. "
          + "UIDs from their path. Patient ids are published only as an HMAC-SHA256 key "
          + "(patient.key.salt)."
    })
public final class IngestCommand implements Callable<Integer> {

  private static final Logger LOG = LoggerFactory.getLogger(IngestCommand.class);
  /** Used without patient.key.salt, for phantom data only: it protects nothing. */
  static final String DEMO_SALT = "neurostream-demo-salt-not-for-patient-data";

  @Parameters(paramLabel = "PATH", arity = "1..*", description = "Image files or folders.")
  List<Path> paths;

  @Option(names = "--rate", paramLabel = "N", defaultValue = "0",
      description = "Scans per second at most (0 = as fast as possible).")
  double rate;

  @Option(names = "--patient-key-from", paramLabel = "SOURCE", defaultValue = "auto",
      description = "Where the patient of a file comes from: auto (DICOM PatientID, else "
          + "manifest.csv, else the folder name), manifest, dicom or dir.")
  ScanFiles.KeySource keyFrom;

  @Option(names = "--source", defaultValue = "ingest-cli",
      description = "ScanEvent.source, e.g. a PACS AE title (default ${DEFAULT-VALUE}).")
  String source;

  @Mixin ClusterOptions cluster;

  @Mixin PublishRun.ExitCodes exitCodes;

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Override
  public Integer call() throws Exception {
    Configuration c =
        Configuration.load(cluster.sources().build(), new CommonKeys(), new IngestKeys());
    CommonConfig common = CommonConfig.from(c);
    List<ScanFiles.Item> items = ScanFiles.list(paths);
    if (items.isEmpty()) {
      // "0 scans published" with exit 0 would let a script with a wrong path look successful
      throw new IllegalArgumentException("no PNG, JPEG or DICOM files under " + paths
          + "; give image files, or folders that hold them");
    }
    ClusterOptions.awaitKafka(common);
    Optional<String> salt = c.find(IngestKeys.PATIENT_KEY_SALT);
    if (salt.isEmpty()) {
      LOG.warn("patient.key.salt is not set: patient keys use a fixed demo salt; set "
          + "NEUROSTREAM_PATIENT_KEY_SALT for real data");
    }
    ScanFiles files = new ScanFiles(keyFrom, new PatientKeys(salt.orElse(DEMO_SALT)), source);
    PrintWriter err = spec.commandLine().getErr();
    PublishRun.Tally tally;
    try (KafkaProducer<String, ScanEvent> producer = KafkaClients.of(common).producer(Topics.SCANS)) {
      tally = new PublishRun<ScanFiles.Item, ScanEvent>("ingest", Topics.SCANS, rate, err)
          .publish(items, producer, item -> {
            ScanEvent scan;
            try {
              scan = files.read(item);
            } catch (Exception e) {
              return PublishRun.skip(item.file() + ": " + e.getMessage());
            }
            if (scan.getEncoding() == ImageEncoding.DICOM && salt.isEmpty()) {
              throw new IllegalStateException("DICOM files carry real patient ids; set "
                  + "NEUROSTREAM_PATIENT_KEY_SALT (patient.key.salt) before ingesting them");
            }
            return PublishRun.send(scan.getIdentity().getSopInstanceUid(), scan);
          });
    }
    tally.printSkipped(err);
    spec.commandLine().getOut().println(tally.summary("scan") + tally.failureNote());
    return tally.exitCode();
  }
}
