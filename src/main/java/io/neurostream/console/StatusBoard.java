package io.neurostream.console;

import io.neurostream.avro.ServiceStatus;
import io.neurostream.kafka.TopicFollower;
import io.neurostream.kafka.Topics;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The running service instances, as they announce themselves on {@link Topics#SERVICE_STATUS}:
 * the newest heartbeat per instance, removed by the tombstone of a clean stop. An instance whose
 * last heartbeat is older than three of its intervals is shown as stale (stuck, or killed without
 * a tombstone); after ten minutes it is forgotten.
 */
final class StatusBoard implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(StatusBoard.class);
  private static final long FORGET_AFTER_MS = 10 * 60_000;

  /** One instance as the pages show it. */
  record Instance(String key, String service, String instanceId, String host,
      String applicationId, String modelVersion, boolean ready, String detail, String opsUrl,
      long startedAt, long updatedAt, boolean stale, Map<String, Double> counters) {}

  private final Map<String, ServiceStatus> latest = new ConcurrentHashMap<>();
  private final TopicFollower<String> follower;
  private final Deserializer<ServiceStatus> deserializer;

  StatusBoard(Map<String, Object> client, Map<String, ?> serde, Runnable onChange) {
    this.deserializer = Topics.SERVICE_STATUS.valueSerde(serde).deserializer();
    this.follower = new TopicFollower<>(Topics.SERVICE_STATUS.name(), client,
        new StringDeserializer(), "console-status", new ViewFeed("status board",
            Topics.SERVICE_STATUS.name(), LOG, this::read, onChange, () -> latest.size() + " instances"));
  }

  StatusBoard start() {
    follower.start("console-status");
    return this;
  }

  boolean caughtUp() {
    return follower.caughtUp();
  }

  /** Instances known now, classifiers first, then by service and instance. */
  List<Instance> instances() {
    long now = System.currentTimeMillis();
    latest.values().removeIf(s -> now - s.getUpdatedAt().toEpochMilli() > FORGET_AFTER_MS);
    return latest.entrySet().stream()
        .map(e -> view(e.getKey(), e.getValue(), now))
        .sorted(Comparator.comparing((Instance i) -> !"classifier".equals(i.service()))
            .thenComparing(Instance::service).thenComparing(Instance::instanceId))
        .toList();
  }

  /** The consumer groups of live classifier instances, for lag. */
  List<String> classifierGroups() {
    return instances().stream()
        .filter(i -> "classifier".equals(i.service()) && !i.stale() && i.applicationId() != null)
        .map(Instance::applicationId).distinct().sorted().toList();
  }

  private static Instance view(String key, ServiceStatus s, long now) {
    long updated = s.getUpdatedAt().toEpochMilli();
    boolean stale = now - updated > 3 * Math.max(1000, s.getIntervalMs());
    return new Instance(key, s.getService(), s.getInstanceId(), s.getHost(), s.getApplicationId(),
        s.getModelVersion(), s.getReady() && !stale, s.getDetail(), s.getOpsUrl(),
        s.getStartedAt().toEpochMilli(), updated, stale, Map.copyOf(s.getCounters()));
  }

  private void read(ConsumerRecord<String, byte[]> r) {
    if (r.key() == null) {
      return;
    }
    if (r.value() == null) {
      latest.remove(r.key());
      return;
    }
    try {
      latest.put(r.key(), deserializer.deserialize(r.topic(), r.headers(), r.value()));
    } catch (RuntimeException e) {
      LOG.warn("status record {}@{} is not a ServiceStatus and is ignored: {}", r.partition(),
          r.offset(), e.getMessage());
    }
  }

  /** Whether the follower still runs (the console's liveness). */
  Optional<RuntimeException> failure() {
    return follower.failure();
  }

  @Override
  public void close() {
    follower.close();
  }
}
