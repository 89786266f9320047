package io.neurostream.classifier;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.neurostream.config.CommonKeys;
import io.neurostream.config.ConfigException;
import io.neurostream.config.ConfigSources;
import io.neurostream.config.Configuration;
import java.util.Map;
import java.util.Properties;
import org.junit.jupiter.api.Test;

class ClassifierConfigTest {

  private static ClassifierConfig load(Map<String, String> env, Map<String, String> flags) {
    return ClassifierConfig.from(Configuration.load(ConfigSources.builder().optEnv(env)
        .optOverrides(flags).build(), new CommonKeys(), new ClassifierKeys()));
  }

  @Test
  void shouldDefaultToExactlyOnceWithTheBatchBudgetAppliedToTheClients() {
    ClassifierConfig c = load(Map.of("NEUROSTREAM_NUM_STREAM_THREADS", "3"), Map.of());
    Properties p = c.streamsProperties();
    assertThat(p.getProperty("processing.guarantee")).isEqualTo("exactly_once_v2");
    assertThat(p.getProperty("num.stream.threads")).isEqualTo("3");
    assertThat(p.getProperty("application.id")).isEqualTo("neurostream-classifier");
    assertThat(p.getProperty("main.consumer.max.poll.interval.ms")).isNull();
    assertThat(p.getProperty("consumer.max.poll.interval.ms")).isEqualTo("300000");
    assertThat(p.getProperty("producer.transaction.timeout.ms")).isEqualTo("60000");
    assertThat(c.topology().batchMaxSize()).isEqualTo(32);
    assertThat(c.topology().batchMaxDelayMs()).isEqualTo(50);
  }

  @Test
  void shouldRefuseAtStartABatchThatCannotFinishWithinMaxPollInterval() {
    assertThatThrownBy(() -> load(Map.of("KAFKA_MAX_POLL_INTERVAL_MS", "20000"),
        Map.of("batch.max.size", "64")))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("max.poll.interval.ms=20000")
        .hasMessageContaining("lower batch.max.size");
  }

  @Test
  void shouldPassKafkaClientPropertiesThrough() {
    ClassifierConfig c = load(Map.of("KAFKA_SECURITY_PROTOCOL", "SSL"),
        Map.of("bootstrap.servers", "broker:9093"));
    assertThat(c.streamsProperties().getProperty("security.protocol")).isEqualTo("SSL");
    assertThat(c.streamsProperties().getProperty("bootstrap.servers")).isEqualTo("broker:9093");
  }

  @Test
  void shouldPollAfterEachBatchAndHeartbeatEverySecondUnlessTheOperatorSaysOtherwise() {
    // issue 13 D: a member joins a rebalance within a batch and a heartbeat, so a stopped
    // instance's partitions move at once
    Properties p = load(Map.of(), Map.of("batch.max.size", "16")).streamsProperties();
    assertThat(p.getProperty("main.consumer.max.poll.records")).isEqualTo("16");
    assertThat(p.getProperty("main.consumer.heartbeat.interval.ms")).isEqualTo("1000");
    Properties o = load(Map.of("KAFKA_MAIN_CONSUMER_HEARTBEAT_INTERVAL_MS", "3000"), Map.of())
        .streamsProperties();
    assertThat(o.getProperty("main.consumer.heartbeat.interval.ms")).isEqualTo("3000");
  }
}
