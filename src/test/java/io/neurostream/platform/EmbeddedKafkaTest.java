package io.neurostream.platform;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
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
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.kstream.Consumed;
import org.apache.kafka.streams.kstream.Produced;
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
  void shouldRunAnExactlyOnceV2StreamsApplication() throws Exception {
    try (EmbeddedKafka kafka = EmbeddedKafka.start(dataDir, 0)) {
      // given an input record and an exactly_once_v2 topology that upper-cases values
      createTopic(kafka, "words");
      createTopic(kafka, "shouts");
      try (KafkaProducer<String, String> producer = producer(kafka, Map.of())) {
        producer.send(new ProducerRecord<>("words", "k", "hello")).get();
      }
      StreamsBuilder builder = new StreamsBuilder();
      builder.stream("words", Consumed.with(Serdes.String(), Serdes.String()))
          .mapValues(v -> v.toUpperCase(java.util.Locale.ROOT))
          .to("shouts", Produced.with(Serdes.String(), Serdes.String()));
      Properties props = new Properties();
      props.put(StreamsConfig.APPLICATION_ID_CONFIG, "eos-" + UUID.randomUUID());
      props.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers());
      props.put(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, StreamsConfig.EXACTLY_ONCE_V2);
      props.put(StreamsConfig.STATE_DIR_CONFIG, dataDir.resolve("streams").toString());
      props.put(StreamsConfig.COMMIT_INTERVAL_MS_CONFIG, 100);
      props.put(StreamsConfig.consumerPrefix(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG), "earliest");

      // when it runs
      try (KafkaStreams streams = new KafkaStreams(builder.build(), props)) {
        streams.start();

        // then its committed output is visible to a read_committed consumer
        assertThat(readAll(kafka, "shouts", "read_committed", 1)).containsExactly("k=HELLO");
      }
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

  @Test
  void shouldRefuseASecondBrokerOnADirectoryInUseAndSaySo() {
    try (EmbeddedKafka first = EmbeddedKafka.start(dataDir, 0)) {
      assertThatThrownBy(() -> EmbeddedKafka.start(dataDir, 0))
          .isInstanceOf(IllegalStateException.class)
          .hasMessageContaining(dataDir.toString())
          .hasMessageContaining("in use by another broker");
      // and the first one still serves
      assertThat(first.bootstrapServers()).isNotBlank();
    }
  }

  @Test
  void shouldNameTheFixWhenThePortIsTaken() throws Exception {
    try (java.net.ServerSocket taken = new java.net.ServerSocket(0)) {
      assertThatThrownBy(() -> EmbeddedKafka.start(dataDir, taken.getLocalPort()))
          .hasMessageContaining("port in use")
          .hasMessageContaining(Integer.toString(taken.getLocalPort()));
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
