package io.neurostream.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.neurostream.avro.Prediction;
import io.neurostream.config.CommonConfig;
import io.neurostream.config.CommonKeys;
import io.neurostream.config.Configuration;
import io.neurostream.kafka.KafkaClients;
import io.neurostream.kafka.Topics;
import java.io.PrintWriter;
import java.time.Duration;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code neurostream tail}: prints predictions as they are committed. */
@Command(
    name = "tail",
    mixinStandardHelpOptions = true,
    description = {
      "Print the predictions on mri.predictions as they are committed (read_committed), as a "
          + "table or as JSON lines. Runs until Ctrl-C or --max predictions."
    })
public final class TailCommand implements Callable<Integer> {

  /** Output formats. */
  enum Format { TABLE, JSON }

  private static final DateTimeFormatter TIME =
      DateTimeFormatter.ofPattern("HH:mm:ss.SSS").withZone(ZoneOffset.UTC);
  private static final ObjectMapper JSON = new ObjectMapper();

  @Option(names = "--format", defaultValue = "table",
      description = "table or json (one JSON object per line); default ${DEFAULT-VALUE}.")
  Format format;

  @Option(names = "--from-beginning", description = "Start at the oldest prediction kept.")
  boolean fromBeginning;

  @Option(names = "--max", paramLabel = "N", defaultValue = "0",
      description = "Stop after N predictions (0 = never).")
  long max;

  @Mixin ClusterOptions cluster;

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Override
  public Integer call() throws Exception {
    Configuration c = Configuration.load(cluster.sources().build(), new CommonKeys());
    CommonConfig common = CommonConfig.from(c);
    ClusterOptions.awaitKafka(common);
    PrintWriter out = spec.commandLine().getOut();
    AtomicBoolean running = new AtomicBoolean(true);
    long printed = 0;
    try (KafkaConsumer<String, Prediction> consumer =
        KafkaClients.of(common).readCommittedConsumer(Topics.PREDICTIONS, "neurostream-tail")) {
      Thread main = Thread.currentThread();
      Thread hook = new Thread(() -> {
        running.set(false);
        consumer.wakeup();
        try {
          main.join(5000);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
      });
      Runtime.getRuntime().addShutdownHook(hook);
      List<TopicPartition> parts = consumer.partitionsFor(Topics.PREDICTIONS.name()).stream()
          .map(p -> new TopicPartition(p.topic(), p.partition())).toList();
      consumer.assign(parts);
      if (fromBeginning) {
        consumer.seekToBeginning(parts);
      } else {
        consumer.seekToEnd(parts);
      }
      if (format == Format.TABLE) {
        out.printf("%-12s %-44s %-18s %6s %-22s %5s %8s%n", "PREDICTED", "SOP_INSTANCE_UID",
            "CLASS", "P", "MODEL", "BATCH", "E2E_MS");
      }
      out.flush();
      try {
        while (running.get() && (max <= 0 || printed < max)) {
          for (ConsumerRecord<String, Prediction> r : consumer.poll(Duration.ofMillis(500))) {
            print(out, r.value());
            if (max > 0 && ++printed >= max) {
              break;
            }
          }
          out.flush();
        }
      } catch (WakeupException e) {
        // Ctrl-C
      }
      try {
        Runtime.getRuntime().removeShutdownHook(hook);
      } catch (IllegalStateException e) {
        // already shutting down
      }
    }
    return 0;
  }

  private void print(PrintWriter out, Prediction p) throws Exception {
    long latency = p.getPredictedAt().toEpochMilli() - p.getScanTimestamp().toEpochMilli();
    float best = p.getProbabilities().get(p.getPredicted().ordinal());
    if (format == Format.JSON) {
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("sopInstanceUid", p.getIdentity().getSopInstanceUid());
      m.put("seriesInstanceUid", p.getIdentity().getSeriesInstanceUid());
      m.put("studyInstanceUid", p.getIdentity().getStudyInstanceUid());
      m.put("patientKey", p.getIdentity().getPatientKey());
      m.put("predicted", p.getPredicted().name());
      m.put("probabilities", p.getProbabilities());
      m.put("modelVersion", p.getModelVersion());
      m.put("scanTimestamp", p.getScanTimestamp().toString());
      m.put("predictedAt", p.getPredictedAt().toString());
      m.put("batchSize", p.getBatchSize());
      m.put("endToEndMs", latency);
      out.println(JSON.writeValueAsString(m));
    } else {
      out.printf(Locale.ROOT, "%-12s %-44s %-18s %6.3f %-22s %5d %8d%n",
          TIME.format(p.getPredictedAt()), p.getIdentity().getSopInstanceUid(),
          p.getPredicted().name(), best, p.getModelVersion(), p.getBatchSize(), latency);
    }
  }
}
