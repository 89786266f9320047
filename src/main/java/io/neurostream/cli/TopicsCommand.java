package io.neurostream.cli;

import io.neurostream.config.CommonConfig;
import io.neurostream.config.CommonKeys;
import io.neurostream.config.Configuration;
import io.neurostream.kafka.TopicCheck;
import io.neurostream.kafka.TopicProvisioner;
import io.neurostream.kafka.Topics;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code neurostream topics}: creates missing topics and verifies existing ones on any cluster. */
@Command(
    name = "topics",
    mixinStandardHelpOptions = true,
    description = {
      "Create the NeuroStream topics that are missing and verify the existing ones (partitions, "
          + "replication factor, configs) against their declarations. Safe to run again: a second run "
          + "changes nothing."
    },
    exitCodeListHeading = "%nExit codes:%n",
    exitCodeList = {
      "0:every topic is as declared (or more generous)",
      "1:the command failed (cluster unreachable, bad configuration, ...)",
      "2:bad command-line arguments",
      "3:differences remain (see the report; --fix applies the fixable ones)"
    })
public final class TopicsCommand implements Callable<Integer> {

  /** Exit code when topics still differ from their declarations after the run. */
  static final int DIFFERENCES_REMAIN = 3;

  @Option(names = "--bootstrap", paramLabel = "HOST:PORT",
      description = "Kafka brokers (bootstrap.servers, env KAFKA_BOOTSTRAP_SERVERS; default localhost:9092).")
  String bootstrap;

  @Option(names = "--replication-factor", paramLabel = "N",
      description = "Replicas per partition for created topics and the check (replication.factor; default 1, "
          + "3 in production).")
  Integer replicationFactor;

  @Option(names = "--dry-run", description = "Change nothing; report what would be created and what differs.")
  boolean dryRun;

  @Option(names = "--fix", description = "Also fix differences that can be fixed online: add partitions, set configs.")
  boolean fix;

  @Option(names = "--timeout", paramLabel = "DURATION", defaultValue = "PT30S",
      description = "Longest wait for each cluster call (ISO-8601, default ${DEFAULT-VALUE}).")
  Duration timeout;

  @Mixin ConfigOptions config;

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Override
  public Integer call() {
    if (dryRun && fix) {
      throw new CommandLine.ParameterException(spec.commandLine(), "--dry-run and --fix exclude each other; pick one");
    }
    Configuration configuration = Configuration.load(config.sources()
        .optFlag(CommonKeys.BOOTSTRAP_SERVERS.name(), bootstrap, "--bootstrap")
        .optFlag(CommonKeys.REPLICATION_FACTOR.name(), replicationFactor, "--replication-factor")
        .build(), new CommonKeys());
    CommonConfig common = CommonConfig.from(configuration);
    ClusterOptions.awaitKafka(common);
    TopicProvisioner.Mode mode =
        dryRun ? TopicProvisioner.Mode.DRY_RUN : fix ? TopicProvisioner.Mode.FIX : TopicProvisioner.Mode.CREATE;

    List<TopicCheck> report;
    try (Admin admin = Admin.create(adminProperties(common))) {
      report = new TopicProvisioner(admin, timeout).provision(Topics.all(common.replicationFactor()), mode);
    }
    PrintWriter out = spec.commandLine().getOut();
    out.print(table(report));
    long off = report.stream().filter(r -> !r.state().inLine()).count();
    if (off == 0) {
      out.println("All " + report.size() + " topics are as declared on " + common.bootstrapServers() + ".");
      out.flush();
      return 0;
    }
    out.println(off + " of " + report.size() + " topics " + (dryRun ? "would change" : "differ")
        + (fix || dryRun ? "" : "; run again with --fix to apply the fixable differences") + ".");
    out.flush();
    return DIFFERENCES_REMAIN;
  }

  private static Map<String, Object> adminProperties(CommonConfig common) {
    Map<String, Object> props = common.kafkaProperties();
    props.putIfAbsent(AdminClientConfig.CLIENT_ID_CONFIG, "neurostream-topics");
    return props;
  }

  /** The report: one row per topic, then one indented line per difference or note. */
  static String table(List<TopicCheck> report) {
    int width = Math.max("TOPIC".length(), report.stream().mapToInt(r -> r.topic().length()).max().orElse(0));
    String row = "%-" + width + "s  %-8s  %10s  %8s%n";
    StringBuilder out = new StringBuilder(String.format(row, "TOPIC", "STATE", "PARTITIONS", "REPLICAS"));
    for (TopicCheck r : report) {
      out.append(String.format(row, r.topic(), r.state().name().toLowerCase(), r.partitions(), r.replicationFactor()));
      List<String> details = new ArrayList<>();
      r.differences().forEach(d -> details.add("differs: " + d.describe()));
      r.notes().forEach(n -> details.add("note: " + n));
      details.forEach(d -> out.append("  ").append(d).append(System.lineSeparator()));
    }
    return out.toString();
  }
}
