package io.neurostream.kafka;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class EmbeddedKafkaTest {

  @TempDir Path dataDir;

  @Test
  void shouldKeepTopicsAndRecordsAcrossARestartOnTheSameDirectory() throws Exception {
    // given a broker that received a record
    String clusterId;
    try (EmbeddedKafka kafka = EmbeddedKafka.start(dataDir, 0)) {
      clusterId = kafka.clusterId();
      createTopic(kafka, "durable");
      try (KafkaProducer<String, String> producer = producer(kafka, Map.of())) {
        producer.send(new ProducerRecord<>("durable", "k1", "v1")).get();
      }
      assertThat(readAll(kafka, "durable", "read_uncommitted", 1)).containsExactly("k1=v1");
    }

    // when it restarts on the same directory
    try (EmbeddedKafka kafka = EmbeddedKafka.start(dataDir, 0)) {
      // then the cluster, the topic and the record are still there
      assertThat(kafka.clusterId()).isEqualTo(clusterId);
      try (Admin admin = Admin.create(Map.of("bootstrap.servers", kafka.bootstrapServers()))) {
        assertThat(admin.listTopics().names().get()).contains("durable");
      }
      assertThat(readAll(kafka, "durable", "read_uncommitted", 1)).containsExactly("k1=v1");
    }
  }

  @Test
  void shouldCommitTransactionsAndHideAbortedOnes() throws Exception {
    try (EmbeddedKafka kafka = EmbeddedKafka.start(dataDir, 0)) {
      createTopic(kafka, "tx");
      // given a transactional producer that commits one record and aborts another
      try (KafkaProducer<String, String> producer =
          producer(kafka, Map.of(ProducerConfig.TRANSACTIONAL_ID_CONFIG, "tx-" + UUID.randomUUID()))) {
        producer.initTransactions();
        producer.beginTransaction();
        producer.send(new ProducerRecord<>("tx", "a", "committed"));
        producer.commitTransaction();
        producer.beginTransaction();
        producer.send(new ProducerRecord<>("tx", "b", "aborted"));
        producer.abortTransaction();
        producer.beginTransaction();
        producer.send(new ProducerRecord<>("tx", "c", "last"));
        producer.commitTransaction();
      }

      // then a read_committed consumer sees exactly the committed records
      assertThat(readAll(kafka, "tx", "read_committed", 2)).containsExactly("a=committed", "c=last");
    }
  }

  @Test
  void shouldAcceptRecordsOfSeveralMebibytes() throws Exception {
    try (EmbeddedKafka kafka = EmbeddedKafka.start(dataDir, 0)) {
      createTopic(kafka, "big");
      String value = "x".repeat(3 * 1024 * 1024);
      try (KafkaProducer<String, String> producer =
          producer(kafka, Map.of(ProducerConfig.MAX_REQUEST_SIZE_CONFIG, EmbeddedKafka.MAX_MESSAGE_BYTES))) {
        producer.send(new ProducerRecord<>("big", "k", value)).get();
      }
      assertThat(readAll(kafka, "big", "read_uncommitted", 1)).singleElement()
          .satisfies(r -> assertThat(r).hasSize(2 + value.length()));
    }
  }

  private static void createTopic(EmbeddedKafka kafka, String name) throws Exception {
    try (Admin admin = Admin.create(Map.of("bootstrap.servers", kafka.bootstrapServers()))) {
      admin.createTopics(List.of(new NewTopic(name, 1, (short) 1))).all().get();
    }
  }

  private static KafkaProducer<String, String> producer(EmbeddedKafka kafka, Map<String, Object> extra) {
    Map<String, Object> props = new java.util.HashMap<>(extra);
    props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers());
    return new KafkaProducer<>(props, new StringSerializer(), new StringSerializer());
  }

  private static List<String> readAll(EmbeddedKafka kafka, String topic, String isolation, int expected) {
    Map<String, Object> props = Map.of(
        ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers(),
        ConsumerConfig.GROUP_ID_CONFIG, "reader-" + UUID.randomUUID(),
        ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest",
        ConsumerConfig.ISOLATION_LEVEL_CONFIG, isolation,
        ConsumerConfig.MAX_PARTITION_FETCH_BYTES_CONFIG, EmbeddedKafka.MAX_MESSAGE_BYTES);
    List<String> seen = new ArrayList<>();
    try (KafkaConsumer<String, String> consumer =
        new KafkaConsumer<>(props, new StringDeserializer(), new StringDeserializer())) {
      consumer.subscribe(List.of(topic));
      long deadline = System.currentTimeMillis() + 30_000;
      while (seen.size() < expected && System.currentTimeMillis() < deadline) {
        for (ConsumerRecord<String, String> r : consumer.poll(Duration.ofMillis(200))) {
          seen.add(r.key() + "=" + r.value());
        }
      }
    }
    return seen;
  }
}
