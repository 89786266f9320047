package io.neurostream.console;

import io.neurostream.avro.Prediction;
import io.neurostream.kafka.KafkaClients;
import io.neurostream.kafka.Topics;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The most recent predictions of {@link Topics#PREDICTIONS} ({@code read_committed}): at start the
 * tail of each partition, then everything new, keeping the newest {@code kept}. Feeds the series
 * page and the overview's predictions per second and end-to-end latency (predictedAt minus the
 * scan record's timestamp, the classifier's own definition).
 */
final class PredictionWindow implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(PredictionWindow.class);
  static final long WINDOW_MS = 10_000;

  /** One prediction as the pages show it. */
  record PredictionView(String scanId, String seriesUid, String studyUid, String patientKey,
      String predicted, List<Float> probabilities, String modelVersion, long scanTimestamp,
      long predictedAt, int batchSize, int partition, long offset, Integer scanPartition,
      Long scanOffset) {

    static PredictionView of(ConsumerRecord<?, ?> r, Prediction p) {
      return new PredictionView(p.getIdentity().getSopInstanceUid(),
          p.getIdentity().getSeriesInstanceUid(), p.getIdentity().getStudyInstanceUid(),
          p.getIdentity().getPatientKey(), p.getPredicted().name(),
          List.copyOf(p.getProbabilities()), p.getModelVersion(),
          p.getScanTimestamp().toEpochMilli(), p.getPredictedAt().toEpochMilli(),
          p.getBatchSize(), r.partition(), r.offset(), p.getScanPartition(), p.getScanOffset());
    }
  }

  private final Map<String, Object> client;
  private final Deserializer<Prediction> deserializer;
  private final int kept;
  private final Runnable onChange;
  private final Deque<PredictionView> recent = new ArrayDeque<>();
  private final RateWindow rate = new RateWindow(WINDOW_MS, 20_000);
  private final Thread thread;
  private volatile boolean running = true;
  private volatile KafkaConsumer<String, byte[]> consumer;
  private volatile RuntimeException failure;

  PredictionWindow(Map<String, Object> client, Map<String, ?> serde, int kept, Runnable onChange) {
    this.client = client;
    this.deserializer = Topics.PREDICTIONS.valueSerde(serde).deserializer();
    this.kept = kept;
    this.onChange = onChange;
    this.thread = new Thread(this::run, "console-predictions");
    this.thread.setDaemon(true);
  }

  PredictionWindow start() {
    thread.start();
    return this;
  }

  /** The kept predictions, newest first. */
  synchronized List<PredictionView> recent() {
    List<PredictionView> out = new ArrayList<>(recent);
    java.util.Collections.reverse(out);
    return out;
  }

  RateWindow rate() {
    return rate;
  }

  RuntimeException failure() {
    return failure;
  }

  private void run() {
    Map<String, Object> props = KafkaClients.readCommitted(client, "console-predictions");
    props.remove("group.id");
    try (KafkaConsumer<String, byte[]> c =
        new KafkaConsumer<>(props, new StringDeserializer(), new ByteArrayDeserializer())) {
      consumer = c;
      List<TopicPartition> partitions = partitions(c);
      if (partitions.isEmpty()) {
        return;
      }
      c.assign(partitions);
      Map<TopicPartition, Long> begin = c.beginningOffsets(partitions);
      Map<TopicPartition, Long> end = c.endOffsets(partitions);
      long tail = Math.max(1, kept / partitions.size());
      for (TopicPartition tp : partitions) {
        c.seek(tp, Math.max(begin.get(tp), end.get(tp) - tail));
      }
      while (running) {
        List<PredictionView> read = new ArrayList<>();
        for (ConsumerRecord<String, byte[]> r : c.poll(Duration.ofMillis(250))) {
          if (r.value() == null) {
            continue;
          }
          try {
            PredictionView v = PredictionView.of(r, deserializer.deserialize(r.topic(), r.headers(),
                r.value()));
            read.add(v);
            rate.record(v.predictedAt(), v.predictedAt() - v.scanTimestamp());
          } catch (RuntimeException e) {
            LOG.debug("prediction {}-{}@{} unreadable: {}", r.topic(), r.partition(), r.offset(),
                e.getMessage());
          }
        }
        if (!read.isEmpty()) {
          synchronized (this) {
            read.forEach(recent::addLast);
            while (recent.size() > kept) {
              recent.removeFirst();
            }
          }
          onChange.run();
        }
      }
    } catch (WakeupException e) {
      if (running) {
        failure = e;
      }
    } catch (RuntimeException e) {
      failure = e;
      LOG.error("the console stopped reading {}: {}; restart it", Topics.PREDICTIONS.name(),
          e.toString(), e);
    }
  }

  private List<TopicPartition> partitions(KafkaConsumer<?, ?> c) {
    while (running) {
      List<PartitionInfo> infos = c.partitionsFor(Topics.PREDICTIONS.name(), Duration.ofSeconds(30));
      if (infos != null && !infos.isEmpty()) {
        List<TopicPartition> tps = new ArrayList<>();
        infos.forEach(i -> tps.add(new TopicPartition(i.topic(), i.partition())));
        return tps;
      }
      LOG.warn("topic {} does not exist yet; create it (neurostream topics) — retrying",
          Topics.PREDICTIONS.name());
      try {
        Thread.sleep(2000);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return List.of();
      }
    }
    return List.of();
  }

  @Override
  public void close() {
    running = false;
    KafkaConsumer<?, ?> c = consumer;
    if (c != null) {
      c.wakeup();
    }
    try {
      thread.join(10_000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
