package io.neurostream.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.neurostream.platform.EmbeddedKafka;
import io.neurostream.kafka.Topics;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AlterConfigOp;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.config.ConfigResource;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

class TopicsCommandTest {

  @TempDir Path dataDir;
  EmbeddedKafka kafka;
  Admin admin;

  @BeforeEach
  void startBroker() {
    kafka = EmbeddedKafka.start(dataDir, 0);
    admin = Admin.create(Map.of("bootstrap.servers", kafka.bootstrapServers()));
  }

  @AfterEach
  void stopBroker() {
    admin.close();
    kafka.close();
  }

  @Test
  void shouldCreateEveryTopicOnceAndFindThemAsDeclaredOnTheSecondRun() throws Exception {
    // when
    Run first = run("topics", "--bootstrap", kafka.bootstrapServers());
    Run second = run("topics", "--bootstrap", kafka.bootstrapServers());

    // then the first run created all topics as declared
    assertThat(first.exitCode).as(first.out).isZero();
    assertThat(first.out).containsPattern("mri\\.scans +created").contains("All " + Topics.all().size() + " topics are as declared");
    var described = admin.describeTopics(List.of("mri.scans", "mri.labels", "mri.model-releases")).allTopicNames().get();
    assertThat(described.get("mri.scans").partitions()).hasSize(6);
    assertThat(described.get("mri.labels").partitions()).hasSize(3);
    assertThat(described.get("mri.model-releases").partitions()).hasSize(1);
    assertThat(config("mri.model-releases", "cleanup.policy")).isEqualTo("compact");
    assertThat(config("mri.model-artifacts", "max.message.bytes"))
        .isEqualTo(Integer.toString(Topics.MAX_ARTIFACT_RECORD_BYTES));

    // and the second run found them all and created nothing
    assertThat(second.exitCode).as(second.out).isZero();
    assertThat(second.out).doesNotContain("created").containsPattern("mri\\.scans +ok");
    assertThat(second.out.lines().filter(l -> l.contains(" ok "))).hasSize(Topics.all().size());
  }

  @Test
  void shouldReportDifferencesAndFixThemOnlyWithFix() throws Exception {
    // given a labels topic with too few partitions and a scans topic with a short retention
    admin.createTopics(List.of(new NewTopic("mri.labels", 1, (short) 1))).all().get();
    run("topics", "--bootstrap", kafka.bootstrapServers());
    ConfigResource scans = new ConfigResource(ConfigResource.Type.TOPIC, "mri.scans");
    admin.incrementalAlterConfigs(Map.of(scans, List.of(
        new AlterConfigOp(new ConfigEntry("retention.ms", "1000"), AlterConfigOp.OpType.SET)))).all().get();

    // when checked without --fix
    Run check = run("topics", "--bootstrap", kafka.bootstrapServers());

    // then both differences are reported, nothing changes, and the exit code says so
    assertThat(check.exitCode).as(check.out).isEqualTo(TopicsCommand.DIFFERENCES_REMAIN);
    assertThat(check.out)
        .contains("differs: partitions=1, declared 3")
        .contains("differs: cleanup.policy=delete, declared compact")
        .contains("differs: retention.ms=1000, declared 604800000")
        .contains("run again with --fix");
    assertThat(config("mri.scans", "retention.ms")).isEqualTo("1000");

    // when fixed
    Run fixed = run("topics", "--bootstrap", kafka.bootstrapServers(), "--fix");
    Run after = run("topics", "--bootstrap", kafka.bootstrapServers());

    // then the cluster matches the declarations
    assertThat(fixed.exitCode).as(fixed.out).isZero();
    assertThat(fixed.out).contains("fixed partitions: 1 -> 3").contains("fixed retention.ms: 1000 -> 604800000");
    assertThat(admin.describeTopics(List.of("mri.labels")).allTopicNames().get().get("mri.labels").partitions())
        .hasSize(3);
    assertThat(config("mri.labels", "cleanup.policy")).isEqualTo("compact");
    assertThat(after.exitCode).as(after.out).isZero();
  }

  @Test
  void shouldChangeNothingOnADryRun() throws Exception {
    Run dry = run("topics", "--bootstrap", kafka.bootstrapServers(), "--dry-run");

    assertThat(dry.exitCode).isEqualTo(TopicsCommand.DIFFERENCES_REMAIN);
    assertThat(dry.out).containsPattern("mri\\.scans +missing").contains(Topics.all().size() + " of " + Topics.all().size() + " topics would change");
    Set<String> names = admin.listTopics().names().get();
    assertThat(names).noneMatch(n -> n.startsWith("mri."));
  }

  @Test
  void shouldRefuseAReplicationFactorTheClusterCannotHoldAndNameTheFix() {
    Run run = run("topics", "--bootstrap", kafka.bootstrapServers(), "--replication-factor", "3");

    assertThat(run.exitCode).isEqualTo(1);
    assertThat(run.err).contains("wants replication factor 3 but the cluster has 1 broker(s); "
        + "pass --replication-factor 1");
  }

  @Test
  void shouldRejectAnInvalidBootstrapAddressBeforeConnecting() {
    Run run = run("topics", "--bootstrap", "no-port-here");

    assertThat(run.exitCode).isEqualTo(1);
    assertThat(run.err).contains("bootstrap.servers=no-port-here from flag --bootstrap has 'no-port-here', "
        + "which is not host:port");
  }

  private String config(String topic, String name) throws Exception {
    ConfigResource resource = new ConfigResource(ConfigResource.Type.TOPIC, topic);
    return admin.describeConfigs(List.of(resource)).all().get().get(resource).get(name).value();
  }

  private record Run(int exitCode, String out, String err) {}

  private static Run run(String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    CommandLine cli = NeuroStream.commandLine();
    cli.setOut(new PrintWriter(out, true));
    cli.setErr(new PrintWriter(err, true));
    int code = cli.execute(args);
    return new Run(code, out.toString(), err.toString());
  }
}
