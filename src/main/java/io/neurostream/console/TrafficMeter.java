package io.neurostream.console;

import io.neurostream.kafka.Topics;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ListOffsetsResult;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Samples the scans topic through the admin client once a second: scans in per second (growth of
 * its end offsets; scan producers are not transactional, so every offset is a scan) and, for each
 * classifier group the status board knows, the lag per partition (end offset minus the group's
 * committed offset). Nothing is scraped from the pods.
 */
final class TrafficMeter implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(TrafficMeter.class);
  private static final long TIMEOUT_MS = 5_000;

  /** The lag of one group on one partition. */
  record Lag(String group, int partition, long endOffset, long committed, long lag) {}

  private record Sample(long atMillis, long total) {}

  private final Admin admin;
  private final Supplier<List<String>> groups;
  private final Deque<Sample> samples = new ArrayDeque<>();
  private volatile List<Lag> lag = List.of();
  private volatile long scansTotal;
  private volatile String problem;
  private List<TopicPartition> partitions = List.of();

  TrafficMeter(Map<String, Object> client, Supplier<List<String>> groups) {
    Map<String, Object> props = new HashMap<>(client);
    props.put("client.id", "console-traffic");
    props.put("default.api.timeout.ms", (int) TIMEOUT_MS * 2);
    props.put("request.timeout.ms", (int) TIMEOUT_MS);
    this.admin = Admin.create(props);
    this.groups = groups;
  }

  /** Takes one sample; called once a second by the console's timer. */
  void sample() {
    try {
      if (partitions.isEmpty()) {
        TopicDescription d = admin.describeTopics(List.of(Topics.SCANS.name())).allTopicNames()
            .get(TIMEOUT_MS, TimeUnit.MILLISECONDS).get(Topics.SCANS.name());
        List<TopicPartition> tps = new ArrayList<>();
        d.partitions().forEach(p -> tps.add(new TopicPartition(Topics.SCANS.name(), p.partition())));
        partitions = tps;
      }
      Map<TopicPartition, OffsetSpec> request = new HashMap<>();
      partitions.forEach(tp -> request.put(tp, OffsetSpec.latest()));
      Map<TopicPartition, ListOffsetsResult.ListOffsetsResultInfo> ends =
          admin.listOffsets(request).all().get(TIMEOUT_MS, TimeUnit.MILLISECONDS);
      long total = ends.values().stream().mapToLong(ListOffsetsResult.ListOffsetsResultInfo::offset)
          .sum();
      long now = System.currentTimeMillis();
      synchronized (samples) {
        samples.addLast(new Sample(now, total));
        while (samples.size() > 2 && now - samples.peekFirst().atMillis() > PredictionWindow.WINDOW_MS) {
          samples.removeFirst();
        }
      }
      scansTotal = total;
      List<Lag> lags = new ArrayList<>();
      for (String group : groups.get()) {
        Map<TopicPartition, OffsetAndMetadata> committed = admin.listConsumerGroupOffsets(group)
            .partitionsToOffsetAndMetadata().get(TIMEOUT_MS, TimeUnit.MILLISECONDS);
        for (TopicPartition tp : partitions) {
          long end = ends.get(tp).offset();
          OffsetAndMetadata c = committed.get(tp);
          long at = c == null ? 0 : c.offset();
          lags.add(new Lag(group, tp.partition(), end, at, Math.max(0, end - at)));
        }
      }
      lag = List.copyOf(lags);
      problem = null;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (Exception e) {
      if (problem == null) {
        LOG.warn("cannot sample {}: {}; retrying every second", Topics.SCANS.name(), e.toString());
      }
      problem = "cannot read " + Topics.SCANS.name() + " offsets: " + e.getMessage();
      partitions = List.of();
    }
  }

  /** Scans arrived per second over the last seconds. */
  double scansPerSecond() {
    synchronized (samples) {
      if (samples.size() < 2) {
        return 0;
      }
      Sample first = samples.peekFirst();
      Sample last = samples.peekLast();
      long ms = last.atMillis() - first.atMillis();
      return ms <= 0 ? 0 : (last.total() - first.total()) * 1000.0 / ms;
    }
  }

  /** Records on the scans topic in all (its end offsets, summed). */
  long scansTotal() {
    return scansTotal;
  }

  List<Lag> lag() {
    return lag;
  }

  /** Why the last sample failed, or null. */
  String problem() {
    return problem;
  }

  @Override
  public void close() {
    admin.close(Duration.ofSeconds(5));
  }
}
