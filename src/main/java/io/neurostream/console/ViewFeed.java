package io.neurostream.console;

import io.neurostream.kafka.TopicFollower;
import java.util.List;
import java.util.function.Supplier;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.common.TopicPartition;
import org.slf4j.Logger;

/**
 * Feeds one of the console's views from a {@link TopicFollower}: each record of a poll to the
 * view, then one change notice per poll that had records; says when the view caught up and when
 * following stopped.
 */
final class ViewFeed implements TopicFollower.Handler<String> {
  private final String view;
  private final String topic;
  private final Logger log;
  private final java.util.function.Consumer<ConsumerRecord<String, byte[]>> each;
  private final Runnable onChange;
  private final Supplier<String> caughtUpDetail;

  /**
   * @param view the view's name in the log, e.g. "status board"
   * @param log the view's logger
   * @param each takes one record (any value, including a tombstone)
   * @param caughtUpDetail what the view holds when it caught up, e.g. "3 instances"
   */
  ViewFeed(String view, String topic, Logger log,
      java.util.function.Consumer<ConsumerRecord<String, byte[]>> each, Runnable onChange,
      Supplier<String> caughtUpDetail) {
    this.view = view;
    this.topic = topic;
    this.log = log;
    this.each = each;
    this.onChange = onChange;
    this.caughtUpDetail = caughtUpDetail;
  }

  @Override
  public void onRecords(Consumer<String, byte[]> consumer, ConsumerRecords<String, byte[]> records,
      boolean caughtUp) {
    if (records.isEmpty()) {
      return;
    }
    records.forEach(each);
    onChange.run();
  }

  @Override
  public void onCaughtUp(Consumer<String, byte[]> consumer, List<TopicPartition> partitions) {
    log.info("{} caught up: {}", view, caughtUpDetail.get());
  }

  @Override
  public void onFailure(RuntimeException e) {
    log.error("{} stopped following {}: {}; restart the console", view, topic, e.toString(), e);
  }
}
