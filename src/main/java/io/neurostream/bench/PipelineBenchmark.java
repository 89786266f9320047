package io.neurostream.bench;

import io.neurostream.classifier.BundleModelLoader;
import io.neurostream.classifier.BundleScanModel;
import io.neurostream.classifier.ClassifierConfig;
import io.neurostream.classifier.ClassifierKeys;
import io.neurostream.classifier.ClassifierService;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.neurostream.avro.ImageEncoding;
import io.neurostream.avro.ScanEvent;
import io.neurostream.avro.ScanIdentity;
import io.neurostream.config.CommonKeys;
import io.neurostream.config.ConfigSources;
import io.neurostream.config.Configuration;
import io.neurostream.imaging.GrayImage;
import io.neurostream.imaging.ImageDecoder;
import io.neurostream.platform.EmbeddedKafka;
import io.neurostream.kafka.TopicProvisioner;
import io.neurostream.kafka.Topics;
import io.neurostream.model.ComputeDevice;
import io.neurostream.platform.registry.EmbeddedSchemaRegistry;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.function.Consumer;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.Serializer;

/**
 * Measures the classifier pipeline against its own engine in one run, on one machine. Each
 * figure is the median of {@code repeats} measurements; warm-up is excluded from all of them.
 *
 * <ol>
 *   <li><b>raw</b>: the loaded bundle's batched inference on decoded images, batches of
 *       {@code batch.max.size}; one measurement is one pass over all the images;
 *   <li><b>pipeline</b>: the same bundle behind the full topology on the embedded broker and
 *       registry, exactly once. One measurement publishes a backlog of scans while the classifier
 *       is paused, resumes it and times it to the last prediction read with
 *       {@code read_committed}. Decoding, Avro, batching, transactions and the broker's own work
 *       on the same cores are all inside the figure. Raw and pipeline measurements alternate,
 *       after one unmeasured pass of each;
 *   <li><b>latency</b>: scans paced at half the pipeline rate; end-to-end latency from the scan's
 *       record timestamp to the moment its committed prediction is read, p50 and p99.
 * </ol>
 */
public final class PipelineBenchmark {

  /**
   * What to run.
   *
   * @param bundle the model bundle (the engine under test)
   * @param scans scans in each throughput measurement
   * @param latencyScans scans in the latency run
   * @param batchSize {@code batch.max.size}
   * @param threads {@code num.stream.threads}
   * @param repeats measurements of raw and of pipeline throughput; their medians are reported
   * @param workDir where the broker keeps its data
   */
  public record Options(Path bundle, int scans, int latencyScans, int batchSize, int threads,
      int repeats, Path workDir) {
    public Options {
      if (scans < 1 || latencyScans < 1 || batchSize < 1 || threads < 1 || repeats < 1) {
        throw new IllegalArgumentException("scans, latency scans, batch size, threads and repeats"
            + " must all be at least 1");
      }
    }
  }

  /**
   * The figures.
   *
   * @param raw scans/s of batched inference alone, one per repeat
   * @param pipeline scans/s through Kafka, exactly once, one per repeat
   * @param latencyRate the rate of the latency run, scans/s
   * @param p50Ms median end-to-end latency at that rate
   * @param p99Ms 99th percentile end-to-end latency
   * @param meanBatch mean batch size in the pipeline runs
   * @param rawCores cores kept busy in each raw pass: process CPU time over wall time
   * @param pipelineCores cores kept busy in each pipeline drain (broker, registry and producer
   *     included: they share the process)
   */
  public record Result(double[] raw, double[] pipeline, double latencyRate, double p50Ms,
      double p99Ms, double meanBatch, double[] rawCores, double[] pipelineCores) {
    /** Median raw throughput, scans/s. */
    public double rawScansPerSecond() {
      return EngineBenchmark.median(raw);
    }

    /** Median pipeline throughput, scans/s. */
    public double pipelineScansPerSecond() {
      return EngineBenchmark.median(pipeline);
    }

    /** Pipeline over raw, medians. */
    public double ratio() {
      return pipelineScansPerSecond() / rawScansPerSecond();
    }
  }

  private PipelineBenchmark() {}

  public static Result run(Options o, Consumer<String> progress) throws Exception {
    List<byte[]> pngs = images(o.scans(), 128, 5);
    List<GrayImage> decoded = new ArrayList<>();
    for (byte[] png : pngs) {
      decoded.add(ImageDecoder.decode(png, ImageEncoding.PNG, 0, 0));
    }
    try (BundleScanModel rawModel = new BundleModelLoader(ComputeDevice.resolve("auto"),
            o.batchSize()).load(o.bundle());
        EmbeddedKafka kafka = EmbeddedKafka.start(o.workDir().resolve("kafka"), 0)) {
      try (Admin admin = Admin.create(Map.of("bootstrap.servers", kafka.bootstrapServers()))) {
        new TopicProvisioner(admin, Duration.ofSeconds(60))
            .provision(Topics.all(), TopicProvisioner.Mode.CREATE);
      }
      try (EmbeddedSchemaRegistry registry =
          EmbeddedSchemaRegistry.start(0, kafka.bootstrapServers())) {
        Map<String, Object> serde = Map.of("schema.registry.url", registry.url());
        Serializer<ScanEvent> scans = Topics.SCANS.valueSerde(serde).serializer();
        ClassifierConfig config = config(o, kafka, registry);
        PrometheusMeterRegistry meters = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        try (KafkaProducer<String, byte[]> producer = BenchKafka.producer(kafka);
            ClassifierService classifier = ClassifierService.start(config, meters);
            BenchKafka.PredictionReader reader = new BenchKafka.PredictionReader(kafka, serde)) {
          BenchKafka.awaitRunning(classifier);
          // warm-up: one unmeasured pass of each
          rawPass(rawModel, decoded, o.batchSize());
          publish(producer, scans, "warm-", pngs);
          reader.await("warm-", pngs.size(), p -> { });
          progress.accept("warmed up: one pass of " + pngs.size() + " scans each");

          // raw and pipeline measurements alternate, so that both see the same machine: on a
          // shared host the speed drifts by minutes, and back-to-back phases measured the drift
          double[] raw = new double[o.repeats()];
          double[] pipeline = new double[o.repeats()];
          double[] rawCores = new double[o.repeats()];
          double[] pipelineCores = new double[o.repeats()];
          DistributionSummary batches = meters.find("neurostream.batch.size").summary();
          long batchCount0 = batches == null ? 0 : batches.count();
          double batchTotal0 = batches == null ? 0 : batches.totalAmount();
          for (int r = 0; r < o.repeats(); r++) {
            // raw: batched inference alone, the classifier paused (its threads idle)
            classifier.pause();
            long cpu0 = EngineBenchmark.processCpuNanos();
            long wall0 = System.nanoTime();
            raw[r] = rawPass(rawModel, decoded, o.batchSize());
            rawCores[r] = (EngineBenchmark.processCpuNanos() - cpu0)
                / (double) (System.nanoTime() - wall0);
            // pipeline: a backlog waits in Kafka, then the classifier drains it
            String prefix = "tp" + r + "-";
            publish(producer, scans, prefix, pngs);
            long t0 = System.nanoTime();
            long cpu1 = EngineBenchmark.processCpuNanos();
            classifier.resume();
            reader.await(prefix, pngs.size(), p -> { });
            pipeline[r] = pngs.size() / ((System.nanoTime() - t0) / 1e9);
            pipelineCores[r] = (EngineBenchmark.processCpuNanos() - cpu1)
                / (double) (System.nanoTime() - t0);
            progress.accept(String.format(Locale.ROOT, "%d/%d: raw %.1f scans/s (%.2f cores),"
                + " pipeline %.1f scans/s (%.2f cores)", r + 1, o.repeats(), raw[r], rawCores[r],
                pipeline[r], pipelineCores[r]));
          }
          double meanBatch = batches == null || batches.count() == batchCount0 ? Double.NaN
              : (batches.totalAmount() - batchTotal0) / (batches.count() - batchCount0);

          // latency at half the pipeline rate
          double rate = EngineBenchmark.median(pipeline) / 2;
          List<byte[]> latencyPngs = pngs.subList(0, Math.min(o.latencyScans(), pngs.size()));
          List<Long> latencies = new ArrayList<>();
          Thread sender = new Thread(() -> {
            long start = System.nanoTime();
            for (int i = 0; i < latencyPngs.size(); i++) {
              long due = start + (long) (i * 1e9 / rate);
              long wait = due - System.nanoTime();
              if (wait > 0) {
                try {
                  Thread.sleep(wait / 1_000_000, (int) (wait % 1_000_000));
                } catch (InterruptedException e) {
                  return;
                }
              }
              send(producer, scans, "lat-" + i, latencyPngs.get(i), System.currentTimeMillis());
              producer.flush();
            }
          }, "bench-sender");
          sender.start();
          reader.await("lat-", latencyPngs.size(), p -> latencies.add(
              System.currentTimeMillis() - p.getScanTimestamp().toEpochMilli()));
          sender.join();
          long[] sorted = latencies.stream().mapToLong(Long::longValue).sorted().toArray();
          Result result = new Result(raw, pipeline, rate, percentile(sorted, 0.50),
              percentile(sorted, 0.99), meanBatch, rawCores, pipelineCores);
          progress.accept(String.format(Locale.ROOT,
              "latency at %.1f scans/s: p50 %.0f ms, p99 %.0f ms", rate, result.p50Ms(),
              result.p99Ms()));
          return result;
        }
      }
    }
  }

  /**
   * Batched inference alone over all {@code images}, in scans/s, on a thread of its own as a
   * stream thread is (see {@link EngineBenchmark#onOwnThread}).
   */
  private static double rawPass(BundleScanModel model, List<GrayImage> images, int batchSize) {
    return EngineBenchmark.onOwnThread("bench-raw", () -> {
      long t0 = System.nanoTime();
      for (int from = 0; from < images.size(); from += batchSize) {
        model.predict(images.subList(from, Math.min(images.size(), from + batchSize)));
      }
      return images.size() / ((System.nanoTime() - t0) / 1e9);
    });
  }

  private static void publish(KafkaProducer<String, byte[]> producer, Serializer<ScanEvent> scans,
      String prefix, List<byte[]> pngs) {
    for (int i = 0; i < pngs.size(); i++) {
      send(producer, scans, prefix + i, pngs.get(i), System.currentTimeMillis());
    }
    producer.flush();
  }

  private static ClassifierConfig config(Options o, EmbeddedKafka kafka,
      EmbeddedSchemaRegistry registry) {
    Map<String, String> overrides = new HashMap<>();
    overrides.put("bootstrap.servers", kafka.bootstrapServers());
    overrides.put("schema.registry.url", registry.url());
    overrides.put("application.id", "bench-pipeline");
    overrides.put("model.bundle", o.bundle().toString());
    overrides.put("metrics.port", "0");
    overrides.put("state.dir", o.workDir().resolve("state").toString());
    overrides.put("batch.max.size", Integer.toString(o.batchSize()));
    overrides.put("num.stream.threads", Integer.toString(o.threads()));
    return ClassifierConfig.from(Configuration.load(ConfigSources.builder().optEnv(Map.of())
        .optOverrides(overrides).build(), new CommonKeys(), new ClassifierKeys()));
  }

  private static void send(KafkaProducer<String, byte[]> producer, Serializer<ScanEvent> scans,
      String id, byte[] png, long timestamp) {
    ScanEvent scan = ScanEvent.newBuilder()
        .setIdentity(ScanIdentity.newBuilder().setStudyInstanceUid("2.25.1")
            .setSeriesInstanceUid("2.25.2").setSopInstanceUid(id).setPatientKey("pk-bench").build())
        .setAcquisitionTime(Instant.ofEpochMilli(timestamp))
        .setSource("bench")
        .setEncoding(ImageEncoding.PNG)
        .setWidth(128)
        .setHeight(128)
        .setImage(ByteBuffer.wrap(png))
        .setAttributes(Map.of())
        .build();
    producer.send(new ProducerRecord<>(Topics.SCANS.name(), null, timestamp, id,
        scans.serialize(Topics.SCANS.name(), scan)));
  }

  /** Deterministic 8-bit slices: an ellipse of tissue with darker blobs, plus noise. */
  static List<byte[]> images(int n, int size, long seed) {
    Random random = new Random(seed);
    List<byte[]> out = new ArrayList<>(n);
    for (int k = 0; k < n; k++) {
      float[] px = new float[size * size];
      double rx = size * (0.30 + 0.1 * random.nextDouble());
      double ry = size * (0.35 + 0.1 * random.nextDouble());
      double vr = size * (0.05 + 0.08 * random.nextDouble());
      for (int y = 0; y < size; y++) {
        for (int x = 0; x < size; x++) {
          double dx = (x - size / 2.0) / rx;
          double dy = (y - size / 2.0) / ry;
          double inside = dx * dx + dy * dy;
          double v = inside < 1 ? 0.6 : 0.05;
          if (Math.hypot(x - size / 2.0, y - size / 2.0) < vr) {
            v = 0.2;
          }
          px[y * size + x] = (float) Math.max(0, Math.min(1, v + 0.04 * random.nextGaussian()));
        }
      }
      out.add(new GrayImage(size, size, px).toPng());
    }
    return out;
  }

  private static double percentile(long[] sorted, double q) {
    if (sorted.length == 0) {
      return Double.NaN;
    }
    int i = (int) Math.ceil(q * sorted.length) - 1;
    return sorted[Math.max(0, Math.min(sorted.length - 1, i))];
  }
}
