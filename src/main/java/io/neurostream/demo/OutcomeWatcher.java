package io.neurostream.demo;

import io.neurostream.avro.DeadLetter;
import io.neurostream.avro.ModelRelease;
import io.neurostream.avro.Prediction;
import io.neurostream.kafka.Topics;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.serialization.Deserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads what comes back, as a downstream system would: committed predictions and dead letters
 * ({@code read_committed}, so only what the classifier's transactions committed) into the {@link
 * ScanLedger}, and the trainer's decisions on {@code mri.model-releases}. Reads every partition from
 * the beginning; the demo's broker is fresh, so everything on these topics is this run's.
 */
final class OutcomeWatcher extends TopicWatcher {

  private static final Logger LOG = LoggerFactory.getLogger(OutcomeWatcher.class);

  private final Deserializer<Prediction> predictions;
  private final Deserializer<DeadLetter> deadLetters;
  private final Deserializer<ModelRelease> releases;
  private final ScanLedger ledger;
  private final Consumer<ReleaseEvent> onRelease;
  private final List<ReleaseEvent> seen = new ArrayList<>();

  /**
   * @param onRelease called on the watcher's thread for every release record, in order
   */
  OutcomeWatcher(Map<String, Object> client, Map<String, ?> serdeConfig, ScanLedger ledger,
      Consumer<ReleaseEvent> onRelease) {
    super("outcome", "predictions", client,
        Map.of(ConsumerConfig.MAX_PARTITION_FETCH_BYTES_CONFIG, 2 * Topics.MAX_SCAN_BYTES + (1 << 20)),
        List.of(Topics.PREDICTIONS.name(), Topics.SCANS_DLQ.name(), Topics.MODEL_RELEASES.name()));
    this.predictions = Topics.PREDICTIONS.valueSerde(serdeConfig).deserializer();
    this.deadLetters = Topics.SCANS_DLQ.valueSerde(serdeConfig).deserializer();
    this.releases = Topics.MODEL_RELEASES.valueSerde(serdeConfig).deserializer();
    this.ledger = ledger;
    this.onRelease = onRelease;
  }

  OutcomeWatcher start() {
    startReading();
    return this;
  }

  @Override
  protected void handle(ConsumerRecord<String, byte[]> r) {
    String topic = r.topic();
    if (topic.equals(Topics.PREDICTIONS.name())) {
      ledger.outcome(ScanOutcome.Predicted.of(r.key(), predictions.deserialize(topic, r.headers(), r.value())));
    } else if (topic.equals(Topics.SCANS_DLQ.name())) {
      ledger.outcome(ScanOutcome.DeadLettered.of(r.key(), deadLetters.deserialize(topic, r.headers(), r.value())));
    } else if (r.value() != null) {
      ReleaseEvent event = ReleaseEvent.of(releases.deserialize(topic, r.headers(), r.value()));
      synchronized (seen) {
        // the same decision published twice (a publisher retrying) is one decision
        if (seen.stream().anyMatch(e -> e.sameDecision(event))) {
          LOG.info("release {} {} seen again; counted once", event.version(), event.status());
          return;
        }
        seen.add(event);
      }
      onRelease.accept(event);
    }
  }

  /** Every release record seen so far, in order. */
  List<ReleaseEvent> releases() {
    synchronized (seen) {
      return List.copyOf(seen);
    }
  }
}
