package io.neurostream.serde;

/** Confluent's default subject naming, TopicNameStrategy: {@code <topic>-key} or {@code <topic>-value}. */
public final class Subjects {

  private Subjects() {}

  /** The subject under which records of {@code topic} register their key or value schema. */
  public static String topicName(String topic, boolean isKey) {
    return topic + (isKey ? "-key" : "-value");
  }
}
