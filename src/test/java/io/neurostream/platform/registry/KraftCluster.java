package io.neurostream.platform.registry;

import org.apache.kafka.common.test.KafkaClusterTestKit;
import org.apache.kafka.common.test.TestKitNodes;

/**
 * A real single-node KRaft Kafka cluster (combined broker and controller) in this JVM, from Kafka's
 * own test kit, for the registry's integration tests.
 */
public final class KraftCluster implements AutoCloseable {

  private final KafkaClusterTestKit cluster;

  private KraftCluster(KafkaClusterTestKit cluster) {
    this.cluster = cluster;
  }

  public static KraftCluster start() throws Exception {
    KafkaClusterTestKit cluster = new KafkaClusterTestKit.Builder(new TestKitNodes.Builder()
            .setCombined(true)
            .setNumBrokerNodes(1)
            .setNumControllerNodes(1)
            .build())
        .setConfigProp("offsets.topic.replication.factor", "1")
        .setConfigProp("transaction.state.log.replication.factor", "1")
        .setConfigProp("transaction.state.log.min.isr", "1")
        .setConfigProp("group.initial.rebalance.delay.ms", "0")
        .setConfigProp("auto.create.topics.enable", "true")
        .build();
    try {
      cluster.format();
      cluster.startup();
      cluster.waitForReadyBrokers();
      return new KraftCluster(cluster);
    } catch (Exception e) {
      cluster.close();
      throw e;
    }
  }

  public String bootstrapServers() {
    return cluster.bootstrapServers();
  }

  @Override
  public void close() throws Exception {
    cluster.close();
  }
}
