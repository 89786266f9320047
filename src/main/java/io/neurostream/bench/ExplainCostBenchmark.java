package io.neurostream.bench;

import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.neurostream.avro.ImageEncoding;
import io.neurostream.avro.ModelRelease;
import io.neurostream.avro.ReleaseStatus;
import io.neurostream.avro.ScanEvent;
import io.neurostream.avro.ScanIdentity;
import io.neurostream.classifier.ClassifierConfig;
import io.neurostream.classifier.ClassifierKeys;
import io.neurostream.classifier.ClassifierService;
import io.neurostream.config.CommonKeys;
import io.neurostream.config.ConfigSources;
import io.neurostream.config.Configuration;
import io.neurostream.kafka.TopicProvisioner;
import io.neurostream.kafka.Topics;
import io.neurostream.model.ModelBundle;
import io.neurostream.platform.EmbeddedKafka;
import io.neurostream.platform.registry.EmbeddedSchemaRegistry;
import io.neurostream.release.ArtifactDigest;
import io.neurostream.verdict.ExplainMode;
import io.neurostream.verdict.Explainer;
import io.neurostream.verdict.VerdictConfig;
import io.neurostream.verdict.VerdictKeys;
import io.neurostream.verdict.VerdictService;
import java.lang.management.ManagementFactory;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Consumer;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.Serializer;

/**
 * What Grad-CAM explanations cost the classifier: one warm process (embedded broker and registry,
 * classifier, verdict stage, explainer), a backlog of 16-slice series drained with the explainer
 * paused ({@code explain.mode=off}) and running ({@code verdict}: three maps per series), the two
 * alternating so both see the same machine; medians of the repeats, warm-up excluded, with the
 * process CPU time of each drain beside its wall time.
 */
public final class ExplainCostBenchmark {

  /** What to run. */
  public record Options(Path bundle, int series, int repeats, Path workDir) {}

  /** Scans/s per repeat, off and on, and the CPU seconds of each drain. */
  public record Result(double[] off, double[] on, double[] offCpu, double[] onCpu,
      long explanations) {
    /** Relative throughput drop of the medians: 1 - on/off. */
    public double drop() {
      return 1 - EngineBenchmark.median(on) / EngineBenchmark.median(off);
    }
  }

  static final int SLICES = 16;

  private ExplainCostBenchmark() {}

  public static Result run(Options o, Consumer<String> progress) throws Exception {
    List<byte[]> pngs = PipelineBenchmark.images(o.series() * SLICES, 128, 11);
    try (EmbeddedKafka kafka = EmbeddedKafka.start(o.workDir().resolve("kafka"), 0)) {
      try (Admin admin = Admin.create(Map.of("bootstrap.servers", kafka.bootstrapServers()))) {
        new TopicProvisioner(admin, Duration.ofSeconds(60))
            .provision(Topics.all(), TopicProvisioner.Mode.CREATE);
      }
      try (EmbeddedSchemaRegistry registry =
          EmbeddedSchemaRegistry.start(0, kafka.bootstrapServers())) {
        Map<String, Object> serde = Map.of("schema.registry.url", registry.url());
        Map<String, String> common = new HashMap<>();
        common.put("bootstrap.servers", kafka.bootstrapServers());
        common.put("schema.registry.url", registry.url());
        common.put("metrics.port", "0");
        common.put("state.dir", o.workDir().resolve("state").toString());
        String version = ModelBundle.open(o.bundle()).metadata().version();
        try (KafkaProducer<String, byte[]> producer = BenchKafka.producer(kafka)) {
          release(producer, serde, version, o.bundle());
        }
        Map<String, String> c = new HashMap<>(common);
        c.put("application.id", "bench-explain-classifier");
        c.put("model.bundle", o.bundle().toString());
        PrometheusMeterRegistry meters = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        ClassifierConfig classifierConfig = ClassifierConfig.from(Configuration.load(
            ConfigSources.builder().optEnv(Map.of()).optOverrides(c).build(), new CommonKeys(),
            new ClassifierKeys()));
        Map<String, String> v = new HashMap<>(common);
        v.put("verdict.application.id", "bench-explain-verdict");
        v.put("explain.mode", "off");
        VerdictConfig verdictConfig = VerdictConfig.from(Configuration.load(
            ConfigSources.builder().optEnv(Map.of()).optOverrides(v).build(), new CommonKeys(),
            new VerdictKeys()));
        Serializer<ScanEvent> scans = Topics.SCANS.valueSerde(serde).serializer();
        try (KafkaProducer<String, byte[]> producer = BenchKafka.producer(kafka);
            ClassifierService classifier = ClassifierService.start(classifierConfig, meters);
            VerdictService verdicts = VerdictService.startHosted(verdictConfig, meters);
            Explainer explainer = Explainer.start(verdictConfig, ExplainMode.VERDICT, meters)
                .orElseThrow();
            BenchKafka.PredictionReader reader = new BenchKafka.PredictionReader(kafka, serde)) {
          BenchKafka.awaitRunning(classifier);
          // warm-up with explanations on: the explainer loads its model once
          drain(classifier, producer, scans, reader, "warm", pngs);
          progress.accept("warmed up: " + pngs.size() + " scans");
          double[] off = new double[o.repeats()];
          double[] on = new double[o.repeats()];
          double[] offCpu = new double[o.repeats()];
          double[] onCpu = new double[o.repeats()];
          for (int r = 0; r < o.repeats(); r++) {
            explainer.pause();
            double[] a = drain(classifier, producer, scans, reader, "off" + r, pngs);
            off[r] = a[0];
            offCpu[r] = a[1];
            explainer.resume(true);
            double[] b = drain(classifier, producer, scans, reader, "on" + r, pngs);
            on[r] = b[0];
            onCpu[r] = b[1];
            progress.accept(String.format(Locale.ROOT, "%d/%d: explain.mode=off %.1f scans/s "
                    + "(%.1f s CPU), verdict %.1f scans/s (%.1f s CPU)", r + 1, o.repeats(),
                off[r], offCpu[r], on[r], onCpu[r]));
          }
          double explained = meters.find("neurostream_explanations_total").counter() == null ? 0
              : meters.find("neurostream_explanations_total").counter().count();
          return new Result(off, on, offCpu, onCpu, (long) explained);
        }
      }
    }
  }

  /** Publishes a backlog while the classifier is paused, then times its drain: scans/s, CPU s. */
  private static double[] drain(ClassifierService classifier, KafkaProducer<String, byte[]> producer,
      Serializer<ScanEvent> scans, BenchKafka.PredictionReader reader, String prefix, List<byte[]> pngs)
      throws Exception {
    classifier.pause();
    for (int i = 0; i < pngs.size(); i++) {
      int series = i / SLICES;
      String sop = prefix + "-" + i;
      ScanEvent scan = ScanEvent.newBuilder()
          .setIdentity(ScanIdentity.newBuilder().setStudyInstanceUid(prefix + "-study-" + series)
              .setSeriesInstanceUid(prefix + "-series-" + series).setSopInstanceUid(sop)
              .setPatientKey("pk-" + series).build())
          .setAcquisitionTime(Instant.now()).setSource("bench")
          .setSliceIndex(i % SLICES).setSliceCount(SLICES)
          .setEncoding(ImageEncoding.PNG).setWidth(128).setHeight(128)
          .setImage(ByteBuffer.wrap(pngs.get(i))).setAttributes(Map.of()).build();
      producer.send(new ProducerRecord<>(Topics.SCANS.name(), sop,
          scans.serialize(Topics.SCANS.name(), scan)));
    }
    producer.flush();
    long cpu0 = cpuNanos();
    long t0 = System.nanoTime();
    classifier.resume();
    reader.await(prefix + "-", pngs.size());
    double seconds = (System.nanoTime() - t0) / 1e9;
    return new double[] {pngs.size() / seconds, (cpuNanos() - cpu0) / 1e9};
  }

  private static long cpuNanos() {
    return ((com.sun.management.OperatingSystemMXBean)
        ManagementFactory.getOperatingSystemMXBean()).getProcessCpuTime();
  }

  private static void release(KafkaProducer<String, byte[]> producer, Map<String, Object> serde,
      String version, Path bundle) throws Exception {
    ModelRelease release = ModelRelease.newBuilder()
        .setVersion(version).setArchitecture("bench").setInputShape(List.of())
        .setClassNames(List.of()).setArtifactSha256(ArtifactDigest.sha256(bundle))
        .setArtifactSize(Files.size(bundle)).setArtifactUri(bundle.toAbsolutePath().toUri().toString())
        .setStatus(ReleaseStatus.PROMOTED).setReason("explain cost benchmark")
        .setCreatedAt(Instant.now()).build();
    producer.send(new ProducerRecord<>(Topics.MODEL_RELEASES.name(), version,
        Topics.MODEL_RELEASES.valueSerde(serde).serializer()
            .serialize(Topics.MODEL_RELEASES.name(), release))).get();
  }
}
