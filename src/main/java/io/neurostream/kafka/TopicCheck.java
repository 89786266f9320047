package io.neurostream.kafka;

import java.util.List;

/**
 * What {@link TopicProvisioner} found and did for one declared topic: a row of the
 * {@code neurostream topics} report.
 *
 * @param topic the topic name
 * @param state the outcome
 * @param partitions the partition count on the cluster (declared count if it does not exist)
 * @param replicationFactor the smallest replica count of its partitions on the cluster
 * @param differences where the cluster still differs from the declaration after the run
 * @param notes what was fixed, and harmless deviations such as more partitions than declared
 */
public record TopicCheck(
    String topic, State state, int partitions, short replicationFactor,
    List<Difference> differences, List<String> notes) {

  /** The outcome for one topic. */
  public enum State {
    /** Exists as declared. */
    OK,
    /** Did not exist and was created. */
    CREATED,
    /** Differed; every difference was fixed (listed in the notes). */
    FIXED,
    /** Does not exist (dry run). */
    MISSING,
    /** Differs in a way left as it is (dry run, no --fix, or not fixable). */
    DIFFERS;

    /** Whether the cluster is in line with the declaration after the run. */
    public boolean inLine() {
      return this == OK || this == CREATED || this == FIXED;
    }
  }

  /**
   * One way the cluster differs from the declaration.
   *
   * @param what "partitions", "replication factor" or a config name
   * @param actual the value on the cluster
   * @param declared the declared value
   * @param fix how to fix it (what {@code --fix} does, or the manual step)
   * @param fixable whether {@code --fix} can apply it
   */
  public record Difference(String what, String actual, String declared, String fix, boolean fixable) {
    /** "retention.ms=604800000, declared 2592000000 (--fix sets it)". */
    public String describe() {
      return what + "=" + actual + ", declared " + declared + " (" + fix + ")";
    }
  }

  public TopicCheck {
    differences = List.copyOf(differences);
    notes = List.copyOf(notes);
  }
}
