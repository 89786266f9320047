package io.neurostream.kafka;

import io.neurostream.avro.ServiceStatus;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Publishes a service instance's heartbeat ({@link ServiceStatus}) to {@link Topics#SERVICE_STATUS}
 * every interval, and a tombstone when it closes, so anything that reads the compacted topic (the
 * console) knows which instances run and what they serve, on Kubernetes and in Compose alike,
 * without scraping pods. Publishing never hurts the service: a failed heartbeat is logged and the
 * next one tried; the producer blocks for at most a few seconds.
 */
public final class StatusPublisher implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(StatusPublisher.class);
  /** How often services publish unless told otherwise. */
  public static final Duration DEFAULT_INTERVAL = Duration.ofSeconds(2);

  /** What the instance says about itself at one moment. */
  public record Snapshot(Optional<String> modelVersion, boolean ready, String detail,
      Map<String, Double> counters) {

    public Snapshot {
      counters = Map.copyOf(counters);
    }
  }

  private final String service;
  private final String instanceId;
  private final String host;
  private final Optional<String> applicationId;
  private final Optional<String> opsUrl;
  private final Duration interval;
  private final Supplier<Snapshot> snapshot;
  private final Instant startedAt = Instant.now();
  private final KafkaProducer<String, ServiceStatus> producer;
  private final ScheduledExecutorService timer;
  private volatile boolean warned;

  private StatusPublisher(String service, Optional<String> applicationId, int opsPort,
      KafkaClients clients, Duration interval, Supplier<Snapshot> snapshot) {
    this.service = service;
    this.host = hostName();
    this.instanceId = host + "-" + ProcessHandle.current().pid() + "-"
        + Integer.toHexString(ThreadLocalRandom.current().nextInt(0x1000, 0x10000));
    this.applicationId = applicationId;
    this.opsUrl = opsPort > 0 ? Optional.of("http://" + host + ":" + opsPort) : Optional.empty();
    this.interval = interval;
    this.snapshot = snapshot;
    Map<String, Object> props = new HashMap<>(clients.clientProperties());
    props.put(ProducerConfig.CLIENT_ID_CONFIG, "status-" + service + "-" + instanceId);
    props.putIfAbsent(ProducerConfig.ACKS_CONFIG, "1");
    props.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, 5_000);
    props.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, 30_000);
    props.put(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, 10_000);
    props.put(ProducerConfig.LINGER_MS_CONFIG, 0);
    KafkaProducer<String, ServiceStatus> p = null;
    try {
      p = new KafkaProducer<>(props, new StringSerializer(),
          Topics.SERVICE_STATUS.valueSerde(clients.serdeConfig()).serializer());
    } catch (RuntimeException e) {
      // e.g. bootstrap.servers that do not resolve yet: the service itself reports that
      LOG.warn("no {} heartbeats from this {}: {}", Topics.SERVICE_STATUS.name(), service,
          e.getMessage());
    }
    producer = p;
    timer = Executors.newSingleThreadScheduledExecutor(r -> {
      Thread t = new Thread(r, "status-" + service);
      t.setDaemon(true);
      return t;
    });
  }

  /**
   * Starts publishing every {@code interval}, the first heartbeat at once.
   *
   * @param service what runs, e.g. {@code classifier}
   * @param applicationId the consumer group whose lag belongs to this instance, if any
   * @param opsPort the port of the instance's ops endpoint, 0 if it has none
   * @param snapshot what the instance says about itself, asked on every beat
   */
  public static StatusPublisher start(String service, Optional<String> applicationId, int opsPort,
      KafkaClients clients, Duration interval, Supplier<Snapshot> snapshot) {
    StatusPublisher p =
        new StatusPublisher(service, applicationId, opsPort, clients, interval, snapshot);
    p.timer.scheduleWithFixedDelay(p::beat, 0, interval.toMillis(), TimeUnit.MILLISECONDS);
    return p;
  }

  /** The record key of this instance: {@code service/instanceId}. */
  public String key() {
    return service + "/" + instanceId;
  }

  private void beat() {
    if (producer == null) {
      return;
    }
    try {
      Snapshot s = snapshot.get();
      ServiceStatus status = ServiceStatus.newBuilder()
          .setService(service)
          .setInstanceId(instanceId)
          .setHost(host)
          .setApplicationId(applicationId.orElse(null))
          .setModelVersion(s.modelVersion().orElse(null))
          .setReady(s.ready())
          .setDetail(s.detail())
          .setOpsUrl(opsUrl.orElse(null))
          .setStartedAt(startedAt)
          .setUpdatedAt(Instant.now())
          .setIntervalMs(interval.toMillis())
          .setCounters(new HashMap<>(s.counters()))
          .build();
      producer.send(new ProducerRecord<>(Topics.SERVICE_STATUS.name(), key(), status), (md, e) -> {
        if (e != null) {
          warnOnce(e);
        } else {
          warned = false;
        }
      });
    } catch (RuntimeException e) {
      warnOnce(e);
    }
  }

  private void warnOnce(Exception e) {
    if (!warned) {
      warned = true;
      LOG.warn("cannot publish the {} status to {}: {}; the service goes on and retries every {} s "
          + "(create the topic with neurostream topics)", service, Topics.SERVICE_STATUS.name(),
          e.getMessage(), interval.toSeconds());
    }
  }

  private static String hostName() {
    String env = System.getenv("HOSTNAME");
    if (env != null && !env.isBlank()) {
      return env.trim();
    }
    try {
      return InetAddress.getLocalHost().getHostName();
    } catch (UnknownHostException e) {
      return "localhost";
    }
  }

  /** Stops the heartbeat and publishes a tombstone, so the instance leaves the console at once. */
  @Override
  public void close() {
    timer.shutdownNow();
    if (producer == null) {
      return;
    }
    try {
      timer.awaitTermination(5, TimeUnit.SECONDS);
      producer.send(new ProducerRecord<>(Topics.SERVICE_STATUS.name(), key(), null));
      producer.flush();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (RuntimeException e) {
      LOG.debug("no tombstone for {}: {}", key(), e.toString());
    } finally {
      producer.close(Duration.ofSeconds(5));
    }
  }
}
