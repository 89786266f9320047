package io.neurostream.deploy;

import io.neurostream.kafka.Topics;

/**
 * What autoscaling limits derive from: the classifier's input topic as the platform declares it.
 * Kafka Streams runs at most one active task per input partition, so more classifier replicas
 * than {@link #partitions()} would idle.
 */
final class ScansTopic {

  private ScansTopic() {}

  static String name() {
    return Topics.SCANS.name();
  }

  static int partitions() {
    return Topics.SCANS.partitions();
  }
}
