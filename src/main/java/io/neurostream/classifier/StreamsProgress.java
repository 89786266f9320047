package io.neurostream.classifier;

import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import org.apache.kafka.common.Metric;
import org.apache.kafka.common.MetricName;
import org.apache.kafka.streams.KafkaStreams;

/**
 * Whether Kafka Streams is making progress, for the classifier's liveness: it must reach and stay
 * in RUNNING, and every stream thread must keep polling. A thread that has not polled for longer
 * than {@code max.poll.interval.ms} has been put out of the group by the broker already and holds
 * no partition; it is stuck (an endless batch, a deadlock) and only a restart frees it.
 */
final class StreamsProgress {

  private StreamsProgress() {}

  /**
   * Why {@code streams} is not making progress, if it is not; empty before it exists (the
   * classifier is then still loading its model, which the model part watches).
   */
  static Optional<String> problem(KafkaStreams streams, Duration maxPollInterval) {
    if (streams == null) {
      return Optional.empty();
    }
    KafkaStreams.State state = streams.state();
    if (state == KafkaStreams.State.PENDING_SHUTDOWN || state == KafkaStreams.State.NOT_RUNNING) {
      return Optional.empty(); // stopping on purpose
    }
    if (state != KafkaStreams.State.RUNNING) {
      return Optional.of("kafka streams is " + state + ", not RUNNING");
    }
    double worst = 0;
    String thread = null;
    for (Map.Entry<MetricName, ? extends Metric> m : streams.metrics().entrySet()) {
      MetricName name = m.getKey();
      String client = name.tags().getOrDefault("client-id", "");
      if (!name.name().equals("last-poll-seconds-ago") || !name.group().equals("consumer-metrics")
          || !client.endsWith("-consumer") || client.endsWith("-restore-consumer")
          || client.endsWith("-global-consumer")) {
        continue;
      }
      Object v = m.getValue().metricValue();
      if (v instanceof Number n && n.doubleValue() > worst) {
        worst = n.doubleValue();
        thread = client;
      }
    }
    if (thread != null && worst * 1000 > maxPollInterval.toMillis()) {
      return Optional.of(String.format(java.util.Locale.ROOT,
          "%s has not polled for %.0f s, above max.poll.interval.ms=%d", thread, worst,
          maxPollInterval.toMillis()));
    }
    return Optional.empty();
  }
}
