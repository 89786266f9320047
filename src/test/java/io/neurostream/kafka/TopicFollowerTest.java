package io.neurostream.kafka;

import io.neurostream.platform.EmbeddedKafka;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TopicFollowerTest {

  @TempDir Path dataDir;

  /** Remembers what the follower handed over, in order. */
  private static final class Recorder implements TopicFollower.Handler<String> {
    final List<String> events = new CopyOnWriteArrayList<>();
    volatile RuntimeException failure;

    @Override
    public void onRecords(Consumer<String, byte[]> consumer, ConsumerRecords<String, byte[]> records,
        boolean caughtUp) {
      records.forEach(r -> events.add((caughtUp ? "live " : "history ") + r.key() + "="
          + new String(r.value(), StandardCharsets.UTF_8)));
    }

    @Override
    public void onCaughtUp(Consumer<String, byte[]> consumer, List<TopicPartition> partitions) {
      events.add("caught up on " + partitions.size() + " partitions");
    }

    @Override
    public void onFailure(RuntimeException e) {
      failure = e;
    }
  }

  @Test
  void shouldReadHistoryThenReportCaughtUpThenFollowNewRecords() throws Exception {
    try (EmbeddedKafka kafka = EmbeddedKafka.start(dataDir, 0)) {
      // given a topic that already holds two records
      Map<String, Object> client = Map.of("bootstrap.servers", kafka.bootstrapServers());
      try (Admin admin = Admin.create(client)) {
        admin.createTopics(List.of(new NewTopic("followed", 2, (short) 1))).all().get();
      }
      try (KafkaProducer<String, byte[]> producer =
          new KafkaProducer<>(client, new StringSerializer(), new ByteArraySerializer())) {
        producer.send(new ProducerRecord<>("followed", 0, "a", bytes("1"))).get();
        producer.send(new ProducerRecord<>("followed", 0, "b", bytes("2"))).get();

        // when a follower starts
        Recorder handler = new Recorder();
        try (TopicFollower<String> follower = new TopicFollower<>("followed",
            Map.of("bootstrap.servers", kafka.bootstrapServers(), "group.id", "ignored"),
            new StringDeserializer(), "test-follower", handler).start("test-follower")) {

          // then it reads the history before it reports being caught up
          assertThat(follower.awaitCaughtUp(Duration.ofSeconds(60))).isTrue();
          assertThat(follower.failure()).isEmpty();
          assertThat(handler.events).containsExactly(
              "history a=1", "history b=2", "caught up on 2 partitions");

          // and a record published afterwards arrives as live
          producer.send(new ProducerRecord<>("followed", 1, "c", bytes("3"))).get();
          await().atMost(Duration.ofSeconds(30))
              .until(() -> handler.events.contains("live c=3"));

          // and close stops the thread without reporting a failure
          follower.close();
          assertThat(follower.alive()).isFalse();
          assertThat(handler.failure).isNull();
        }
      }
    }
  }

  private static byte[] bytes(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }
}
