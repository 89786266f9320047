package io.neurostream.cli;

import io.neurostream.config.Configuration;
import io.neurostream.config.StackConfig;
import io.neurostream.config.StackKeys;
import io.neurostream.platform.EmbeddedKafka;
import io.neurostream.kafka.TopicCheck;
import io.neurostream.kafka.TopicProvisioner;
import io.neurostream.kafka.Topics;
import io.neurostream.platform.registry.EmbeddedSchemaRegistry;
import java.io.PrintWriter;
import java.lang.management.ManagementFactory;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code neurostream stack}: the embedded platform for the demo and for development — a Kafka
 * KRaft broker, the schema registry and every topic — running until Ctrl-C or SIGTERM.
 */
@Command(
    name = "stack",
    mixinStandardHelpOptions = true,
    description = {
      "Run an embedded Kafka broker (KRaft) and schema registry with every NeuroStream topic, until "
          + "Ctrl-C or SIGTERM. Prints bootstrap.servers and schema.registry.url, then a 'ready' line. "
          + "Data survive a restart on the same --data-dir."
    })
public final class StackCommand implements Callable<Integer> {

  private static final Logger log = LoggerFactory.getLogger(StackCommand.class);
  /** How long a shutdown hook lets the broker close before the JVM goes down anyway. */
  private static final Duration CLOSE_BUDGET = Duration.ofSeconds(30);

  @Option(names = "--kafka-port", paramLabel = "PORT",
      description = "Kafka port (stack.kafka.port; default 9092; 0 = a free port).")
  Integer kafkaPort;

  @Option(names = "--registry-port", paramLabel = "PORT",
      description = "Schema registry port (stack.registry.port; default 8081; 0 = a free port).")
  Integer registryPort;

  @Option(names = "--data-dir", paramLabel = "DIR",
      description = "Broker data directory (stack.data.dir; default neurostream-data/kafka).")
  Path dataDir;

  @Option(names = "--host", paramLabel = "HOST",
      description = "Interface to listen on (stack.host; default localhost; 0.0.0.0 in a container).")
  String host;

  @Mixin ConfigOptions config;

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  /** Released by the shutdown hook, or by a test that runs the stack in-process. */
  final CountDownLatch stop = new CountDownLatch(1);

  @Override
  public Integer call() throws InterruptedException {
    Configuration configuration = Configuration.load(config.sources()
        .optFlag(StackKeys.KAFKA_PORT.name(), kafkaPort, "--kafka-port")
        .optFlag(StackKeys.REGISTRY_PORT.name(), registryPort, "--registry-port")
        .optFlag(StackKeys.DATA_DIR.name(), dataDir, "--data-dir")
        .optFlag(StackKeys.HOST.name(), host, "--host")
        .build(), new StackKeys());
    StackConfig stack = StackConfig.from(configuration);

    CountDownLatch closed = new CountDownLatch(1);
    Thread hook = new Thread(() -> {
      stop.countDown();
      try {
        closed.await(CLOSE_BUDGET.toMillis(), TimeUnit.MILLISECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }, "neurostream-stack-shutdown");
    Runtime.getRuntime().addShutdownHook(hook);
    try (EmbeddedKafka kafka = EmbeddedKafka.builder()
        .setDataDir(stack.dataDir())
        .optPort(stack.kafkaPort())
        .optHost(stack.host())
        .optAdvertisedHost(stack.advertisedHost())
        .start();
         EmbeddedSchemaRegistry registry = EmbeddedSchemaRegistry.builder()
        .optPort(stack.registryPort())
        .optBindAddress(stack.host())
        .optAdvertisedHost(stack.advertisedHost())
        .optKafka(kafka.bootstrapServers())
        .start()) {
      createTopics(kafka);
      PrintWriter out = spec.commandLine().getOut();
      out.println("bootstrap.servers=" + kafka.bootstrapServers());
      out.println("schema.registry.url=" + registry.url());
      out.printf("neurostream stack ready in %.1f s (data in %s); stop with Ctrl-C%n",
          ManagementFactory.getRuntimeMXBean().getUptime() / 1000.0, kafka.dataDir());
      out.flush();
      stop.await();
      log.info("Stopping the stack");
    } finally {
      closed.countDown();
      removeHook(hook);
    }
    return 0;
  }

  /** Creates what is missing; differences on an old data directory are worth a warning, not a stop. */
  private static void createTopics(EmbeddedKafka kafka) {
    try (Admin admin = Admin.create(Map.of("bootstrap.servers", kafka.bootstrapServers()))) {
      List<TopicCheck> report = new TopicProvisioner(admin, Duration.ofSeconds(30))
          .provision(Topics.all(), TopicProvisioner.Mode.CREATE);
      for (TopicCheck check : report) {
        if (!check.state().inLine()) {
          log.warn("Topic {} differs from its declaration: {}; run `neurostream topics --fix --bootstrap {}`",
              check.topic(), check.differences().stream().map(TopicCheck.Difference::describe).toList(),
              kafka.bootstrapServers());
        }
      }
    }
  }

  private static void removeHook(Thread hook) {
    try {
      Runtime.getRuntime().removeShutdownHook(hook);
    } catch (IllegalStateException shuttingDown) {
      // the JVM is already going down through this very hook
    }
  }
}
