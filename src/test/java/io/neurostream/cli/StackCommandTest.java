package io.neurostream.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.kafka.clients.admin.Admin;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

class StackCommandTest {

  @TempDir Path dataDir;

  @Test
  void shouldServeThePrintedAddressesWithEveryTopicUntilStopped() throws Exception {
    // given the stack running in-process on free ports
    StringWriter out = new StringWriter();
    CommandLine cli = NeuroStream.commandLine();
    cli.setOut(new PrintWriter(out, true));
    StackCommand stack = cli.getSubcommands().get("stack").getCommand();
    AtomicInteger exitCode = new AtomicInteger(-1);
    Thread runner = new Thread(() -> exitCode.set(cli.execute(
        "stack", "--kafka-port", "0", "--registry-port", "0", "--data-dir", dataDir.toString())));
    runner.start();
    try {
      // when it says it is ready
      await().atMost(Duration.ofSeconds(60)).until(() -> out.toString().contains("neurostream stack ready"));

      // then the printed bootstrap address serves every declared topic
      String bootstrap = printed(out.toString(), "bootstrap.servers");
      try (Admin admin = Admin.create(Map.of("bootstrap.servers", bootstrap))) {
        assertThat(admin.listTopics().names().get()).contains(
            "mri.scans", "mri.predictions", "mri.scans.dlq", "mri.labels", "mri.model-releases", "mri.model-artifacts");
      }
    } finally {
      // and it stops cleanly when asked
      stack.stop.countDown();
      runner.join(Duration.ofSeconds(60).toMillis());
    }
    assertThat(runner.isAlive()).isFalse();
    assertThat(exitCode).hasValue(0);
  }

  private static String printed(String output, String key) {
    Matcher m = Pattern.compile("(?m)^" + Pattern.quote(key) + "=(\\S+)$").matcher(output);
    assertThat(m.find()).as("'%s=' in %s", key, output).isTrue();
    return m.group(1);
  }
}
