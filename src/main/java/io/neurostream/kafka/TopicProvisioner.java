package io.neurostream.kafka;

import io.neurostream.kafka.TopicCheck.Difference;
import io.neurostream.kafka.TopicCheck.State;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AlterConfigOp;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.clients.admin.ListTopicsOptions;
import org.apache.kafka.clients.admin.NewPartitions;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.KafkaFuture;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.errors.TopicExistsException;

/**
 * Brings a cluster in line with the {@link Topic} declarations: creates missing topics, compares
 * existing ones (partitions, replication factor, topic configs) and, when asked, fixes what can be
 * fixed safely online (more partitions, config values). Idempotent: a second run finds everything
 * {@link State#OK} and changes nothing.
 */
public final class TopicProvisioner {

  /** How far a run may change the cluster. */
  public enum Mode {
    /** Change nothing; report what would be created and what differs. */
    DRY_RUN,
    /** Create missing topics; report differences of existing ones. */
    CREATE,
    /** Create missing topics and fix the fixable differences. */
    FIX
  }

  private final Admin admin;
  private final Duration timeout;

  /** Uses {@code admin} (not closed here); every cluster call waits at most {@code timeout}. */
  public TopicProvisioner(Admin admin, Duration timeout) {
    this.admin = Objects.requireNonNull(admin, "admin");
    this.timeout = Objects.requireNonNull(timeout, "timeout");
  }

  /** Checks (and per {@code mode} creates or fixes) every topic; one result per topic, in order. */
  public List<TopicCheck> provision(Collection<? extends Topic<?, ?>> topics, Mode mode) {
    int brokers = await(admin.describeCluster().nodes(), "describe the cluster").size();
    for (Topic<?, ?> t : topics) {
      if (t.replicationFactor() > brokers) {
        throw new IllegalStateException("Topic " + t.name() + " wants replication factor " + t.replicationFactor()
            + " but the cluster has " + brokers + " broker(s); pass --replication-factor " + brokers
            + " (or set NEUROSTREAM_REPLICATION_FACTOR)");
      }
    }
    Set<String> existing = await(admin.listTopics(new ListTopicsOptions().listInternal(true)).names(), "list topics");
    Map<String, TopicCheck> results = new LinkedHashMap<>();
    List<Topic<?, ?>> toCheck = new ArrayList<>();
    for (Topic<?, ?> t : topics) {
      if (existing.contains(t.name())) {
        toCheck.add(t);
      } else if (mode == Mode.DRY_RUN) {
        results.put(t.name(), new TopicCheck(t.name(), State.MISSING, t.partitions(), t.replicationFactor(),
            List.of(), List.of("would be created with " + t.configs())));
      } else if (create(t)) {
        results.put(t.name(), new TopicCheck(t.name(), State.CREATED, t.partitions(), t.replicationFactor(),
            List.of(), List.of()));
      } else {
        toCheck.add(t); // created concurrently by someone else: verify it like any existing topic
      }
    }
    awaitVisible(results.values().stream().filter(r -> r.state() == State.CREATED).map(TopicCheck::topic).toList());
    for (Topic<?, ?> t : toCheck) {
      results.put(t.name(), check(t, mode));
    }
    return topics.stream().map(t -> results.get(t.name())).toList();
  }

  /**
   * The controller confirms a creation before every broker's metadata shows the topic; wait until
   * it does, so that "created" means the next client finds it.
   */
  private void awaitVisible(List<String> created) {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (!created.isEmpty()) {
      Set<String> names = await(admin.listTopics(new ListTopicsOptions().listInternal(true)).names(), "list topics");
      if (names.containsAll(created)) {
        return;
      }
      if (System.nanoTime() > deadline) {
        throw new IllegalStateException("Created topics " + created + " did not show up within "
            + timeout.toSeconds() + " s; check the brokers' health");
      }
      try {
        Thread.sleep(50);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException("Interrupted while waiting for created topics", e);
      }
    }
  }

  /** Creates {@code t}; false if it appeared in the meantime. */
  private boolean create(Topic<?, ?> t) {
    try {
      admin.createTopics(List.of(t.toNewTopic())).all().get(timeout.toMillis(), TimeUnit.MILLISECONDS);
      return true;
    } catch (ExecutionException e) {
      if (e.getCause() instanceof TopicExistsException) {
        return false;
      }
      throw failure("create topic " + t.name(), e);
    } catch (InterruptedException | TimeoutException e) {
      throw failure("create topic " + t.name(), e);
    }
  }

  private TopicCheck check(Topic<?, ?> t, Mode mode) {
    TopicDescription description = await(admin.describeTopics(List.of(t.name())).allTopicNames(),
        "describe topic " + t.name()).get(t.name());
    int partitions = description.partitions().size();
    short replicas = (short) description.partitions().stream().mapToInt(p -> p.replicas().size()).min().orElse(0);
    List<Difference> differences = new ArrayList<>();
    List<String> notes = new ArrayList<>();

    if (partitions < t.partitions()) {
      differences.add(new Difference("partitions", Integer.toString(partitions), Integer.toString(t.partitions()),
          "--fix adds partitions; keys move to new partitions", true));
    } else if (partitions > t.partitions()) {
      notes.add(partitions + " partitions, declared " + t.partitions() + "; more is fine, a topic cannot shrink");
    }
    if (replicas < t.replicationFactor()) {
      differences.add(new Difference("replication factor", Short.toString(replicas),
          Short.toString(t.replicationFactor()), "not fixable here; reassign with kafka-reassign-partitions", false));
    } else if (replicas > t.replicationFactor()) {
      notes.add("replication factor " + replicas + ", declared " + t.replicationFactor() + "; more is fine");
    }

    ConfigResource resource = new ConfigResource(ConfigResource.Type.TOPIC, t.name());
    Config actual = await(admin.describeConfigs(List.of(resource)).all(), "describe configs of " + t.name())
        .get(resource);
    for (Map.Entry<String, String> declared : t.configs().entrySet()) {
      ConfigEntry entry = actual.get(declared.getKey());
      String value = entry == null ? "(unset)" : entry.value();
      if (!declared.getValue().equals(value)) {
        differences.add(new Difference(declared.getKey(), value, declared.getValue(), "--fix sets it", true));
      }
    }

    if (differences.isEmpty()) {
      return new TopicCheck(t.name(), State.OK, partitions, replicas, differences, notes);
    }
    if (mode != Mode.FIX) {
      return new TopicCheck(t.name(), State.DIFFERS, partitions, replicas, differences, notes);
    }
    fix(t, resource, partitions, differences);
    List<Difference> remaining = new ArrayList<>();
    for (Difference d : differences) {
      if (d.fixable()) {
        notes.add("fixed " + d.what() + ": " + d.actual() + " -> " + d.declared());
      } else {
        remaining.add(d);
      }
    }
    return new TopicCheck(t.name(), remaining.isEmpty() ? State.FIXED : State.DIFFERS,
        Math.max(partitions, t.partitions()), replicas, remaining, notes);
  }

  private void fix(Topic<?, ?> t, ConfigResource resource, int partitions, List<Difference> differences) {
    if (partitions < t.partitions()) {
      await(admin.createPartitions(Map.of(t.name(), NewPartitions.increaseTo(t.partitions()))).all(),
          "add partitions to " + t.name());
    }
    List<AlterConfigOp> ops = differences.stream()
        .filter(d -> d.fixable() && t.configs().containsKey(d.what()))
        .map(d -> new AlterConfigOp(new ConfigEntry(d.what(), t.configs().get(d.what())), AlterConfigOp.OpType.SET))
        .collect(Collectors.toList());
    if (!ops.isEmpty()) {
      await(admin.incrementalAlterConfigs(Map.of(resource, ops)).all(), "alter configs of " + t.name());
    }
  }

  private <T> T await(KafkaFuture<T> future, String what) {
    try {
      return future.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
    } catch (InterruptedException | ExecutionException | TimeoutException e) {
      throw failure(what, e);
    }
  }

  private RuntimeException failure(String what, Exception e) {
    if (e instanceof InterruptedException) {
      Thread.currentThread().interrupt();
    }
    if (e instanceof TimeoutException) {
      return new IllegalStateException("Kafka did not answer within " + timeout.toSeconds() + " s when asked to "
          + what + "; check the bootstrap address and that the brokers are up", e);
    }
    Throwable cause = e instanceof ExecutionException && e.getCause() != null ? e.getCause() : e;
    return new IllegalStateException("Cannot " + what + ": " + cause.getMessage(), cause);
  }
}
