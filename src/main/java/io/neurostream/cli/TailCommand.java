package io.neurostream.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.neurostream.avro.DementiaStage;
import io.neurostream.avro.Prediction;
import io.neurostream.config.CommonConfig;
import io.neurostream.config.CommonKeys;
import io.neurostream.config.Configuration;
import io.neurostream.kafka.KafkaClients;
import io.neurostream.kafka.Topic;
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
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine;

/** {@code neurostream tail}: prints predictions as they are committed. */
@Command(
    name = "tail",
    mixinStandardHelpOptions = true,
    description = {
      "Print the predictions on mri.predictions (or with --verdicts the series verdicts on "
          + "mri.series-verdicts) as they are committed (read_committed), as a table or as JSON "
          + "lines. Runs until Ctrl-C or --max records."
    })
public final class TailCommand implements Callable<Integer>, ParameterErrorHandler.OptionHints {

  /** Output formats. */
  enum Format { TABLE, JSON }

  private static final DateTimeFormatter TIME =
      DateTimeFormatter.ofPattern("HH:mm:ss.SSS").withZone(ZoneOffset.UTC);
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String ROW = "%-12s %-44s %-18s %6.3f %-22s %5d %8d";
  static final String HEADER = String.format(Locale.ROOT, "%-12s %-44s %-18s %6s %-22s %5s %8s", "PREDICTED",
      "SOP_INSTANCE_UID", "CLASS", "P", "MODEL", "BATCH", "E2E_MS");

  @Option(names = "--format", defaultValue = "table", paramLabel = "table|json",
      description = "table, or json: one JSON object per line, with each class name beside its "
          + "probability; default ${DEFAULT-VALUE}.")
  Format format;

  @Option(names = "--from-beginning", description = "Start at the oldest prediction kept.")
  boolean fromBeginning;

  @Option(names = "--verdicts",
      description = "Print the series verdicts on mri.series-verdicts instead of predictions.")
  boolean verdicts;

  @Option(names = "--max", paramLabel = "N", defaultValue = "0",
      description = "Stop after N records (0 = never: follow until Ctrl-C).")
  long max;

  @Mixin ClusterOptions cluster;

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Override
  public Map<String, String> optionHints() {
    return Map.of("--json", "--format json", "-f", "(it follows by default; --max N stops after N)",
        "--follow", "(it follows by default; --max N stops after N)");
  }

  @Override
  public Integer call() throws Exception {
    Configuration c = Configuration.load(cluster.sources().build(), new CommonKeys());
    CommonConfig common = CommonConfig.from(c);
    ClusterOptions.awaitKafka(common);
    PrintWriter out = spec.commandLine().getOut();
    if (verdicts) {
      return tail(common, out, Topics.SERIES_VERDICTS, VerdictLines.header(),
          v -> format == Format.JSON ? VerdictLines.json(v) : VerdictLines.row(v));
    }
    return tail(common, out, Topics.PREDICTIONS, HEADER,
        p -> format == Format.JSON ? JSON.writeValueAsString(json(p)) : tableRow(p));
  }

  /** One record as one output line. */
  @FunctionalInterface
  private interface Line<V> {
    String of(V value) throws Exception;
  }

  private <V> int tail(CommonConfig common, PrintWriter out, Topic<String, V> topic, String header,
      Line<V> line) throws Exception {
    AtomicBoolean running = new AtomicBoolean(true);
    long printed = 0;
    try (KafkaConsumer<String, V> consumer =
        KafkaClients.of(common).readCommittedConsumer(topic, "neurostream-tail")) {
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
      List<TopicPartition> parts = consumer.partitionsFor(topic.name()).stream()
          .map(p -> new TopicPartition(p.topic(), p.partition())).toList();
      consumer.assign(parts);
      if (fromBeginning) {
        consumer.seekToBeginning(parts);
      } else {
        consumer.seekToEnd(parts);
      }
      if (format == Format.TABLE) {
        out.println(header);
      }
      out.flush();
      try {
        while (running.get() && (max <= 0 || printed < max)) {
          for (ConsumerRecord<String, V> r : consumer.poll(Duration.ofMillis(500))) {
            out.println(line.of(r.value()));
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

  /**
   * A prediction as one JSON object; {@code probabilities} maps each class name to its
   * probability, in the model's output order (DementiaStage order).
   */
  static Map<String, Object> json(Prediction p) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("sopInstanceUid", p.getIdentity().getSopInstanceUid());
    m.put("seriesInstanceUid", p.getIdentity().getSeriesInstanceUid());
    m.put("studyInstanceUid", p.getIdentity().getStudyInstanceUid());
    m.put("patientKey", p.getIdentity().getPatientKey());
    m.put("predicted", p.getPredicted().name());
    Map<String, Float> probabilities = new LinkedHashMap<>();
    DementiaStage[] classes = DementiaStage.values();
    for (int i = 0; i < p.getProbabilities().size(); i++) {
      probabilities.put(i < classes.length ? classes[i].name() : "class" + i, p.getProbabilities().get(i));
    }
    m.put("probabilities", probabilities);
    m.put("modelVersion", p.getModelVersion());
    m.put("scanTimestamp", p.getScanTimestamp().toString());
    m.put("predictedAt", p.getPredictedAt().toString());
    m.put("batchSize", p.getBatchSize());
    m.put("endToEndMs", latencyMs(p));
    return m;
  }

  /** A prediction as a row under {@link #HEADER}. */
  static String tableRow(Prediction p) {
    float best = p.getProbabilities().get(p.getPredicted().ordinal());
    return String.format(Locale.ROOT, ROW, TIME.format(p.getPredictedAt()), p.getIdentity().getSopInstanceUid(),
        p.getPredicted().name(), best, p.getModelVersion(), p.getBatchSize(), latencyMs(p));
  }

  private static long latencyMs(Prediction p) {
    return p.getPredictedAt().toEpochMilli() - p.getScanTimestamp().toEpochMilli();
  }
}
