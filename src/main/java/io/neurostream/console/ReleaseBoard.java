package io.neurostream.console;

import io.neurostream.avro.ModelRelease;
import io.neurostream.kafka.TopicFollower;
import io.neurostream.kafka.Topics;
import io.neurostream.release.ReleaseLedger;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The release history of {@link Topics#MODEL_RELEASES} as committed ({@code read_committed}), in
 * topic order, and which release the topic says is served ({@link ReleaseLedger}'s rule, the one
 * every classifier applies).
 */
final class ReleaseBoard implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(ReleaseBoard.class);

  private final List<ModelRelease> records = new CopyOnWriteArrayList<>();
  private final TopicFollower<String> follower;
  private final Deserializer<ModelRelease> deserializer;
  private final Runnable onChange;

  ReleaseBoard(Map<String, Object> client, Map<String, ?> serde, Runnable onChange) {
    this.deserializer = Topics.MODEL_RELEASES.valueSerde(serde).deserializer();
    this.onChange = onChange;
    this.follower = new TopicFollower<>(Topics.MODEL_RELEASES.name(), client,
        new StringDeserializer(), "console-releases", new Handler());
  }

  ReleaseBoard start() {
    follower.start("console-releases");
    return this;
  }

  boolean caughtUp() {
    return follower.caughtUp();
  }

  /** Every release record read so far, in topic order. */
  List<ModelRelease> records() {
    return List.copyOf(records);
  }

  /** The release the topic says classifiers serve. */
  Optional<ModelRelease> served() {
    ReleaseLedger ledger = new ReleaseLedger();
    records.forEach(ledger::record);
    return ledger.target(Optional.empty());
  }

  Optional<RuntimeException> failure() {
    return follower.failure();
  }

  private final class Handler implements TopicFollower.Handler<String> {
    @Override
    public void onRecords(Consumer<String, byte[]> consumer,
        ConsumerRecords<String, byte[]> polled, boolean caughtUp) {
      List<ModelRelease> read = new ArrayList<>();
      polled.forEach(r -> {
        if (r.value() == null) {
          return;
        }
        try {
          read.add(deserializer.deserialize(r.topic(), r.headers(), r.value()));
        } catch (RuntimeException e) {
          LOG.warn("release record {}@{} is not a ModelRelease and is ignored: {}", r.partition(),
              r.offset(), e.getMessage());
        }
      });
      if (!read.isEmpty()) {
        records.addAll(read);
        onChange.run();
      }
    }

    @Override
    public void onCaughtUp(Consumer<String, byte[]> consumer, List<TopicPartition> partitions) {
      LOG.info("release board caught up: {} records", records.size());
    }

    @Override
    public void onFailure(RuntimeException e) {
      LOG.error("release board stopped following {}: {}; restart the console",
          Topics.MODEL_RELEASES.name(), e.toString(), e);
    }
  }

  @Override
  public void close() {
    follower.close();
  }
}
