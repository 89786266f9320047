package io.neurostream.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.neurostream.avro.ImageEncoding;
import io.neurostream.avro.ScanEvent;
import io.neurostream.avro.ScanIdentity;
import io.neurostream.kafka.Topics;
import java.io.PrintWriter;
import java.nio.ByteBuffer;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.io.StringWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.Serde;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

class StackCommandTest {

  @TempDir Path dataDir;

  @Test
  void shouldServeThePrintedBrokerAndRegistryWithEveryTopicUntilStopped() throws Exception {
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

      // and a scan serialized through the printed registry comes back field for field
      Map<String, Object> serdeConfig = Map.of("schema.registry.url", printed(out.toString(), "schema.registry.url"));
      ScanEvent scan = scan();
      try (Serde<ScanEvent> serde = Topics.SCANS.valueSerde(serdeConfig);
          KafkaProducer<String, ScanEvent> producer = new KafkaProducer<>(Map.of("bootstrap.servers", bootstrap),
              Topics.SCANS.keySerde(serdeConfig).serializer(), serde.serializer());
          KafkaConsumer<String, ScanEvent> consumer = new KafkaConsumer<>(Map.of(
              "bootstrap.servers", bootstrap, "group.id", "stack-test", "auto.offset.reset", "earliest"),
              Topics.SCANS.keySerde(serdeConfig).deserializer(), serde.deserializer())) {
        producer.send(new ProducerRecord<>(Topics.SCANS.name(), scan.getIdentity().getSopInstanceUid(), scan)).get();
        consumer.subscribe(List.of(Topics.SCANS.name()));
        List<ScanEvent> received = new ArrayList<>();
        await().atMost(Duration.ofSeconds(30)).until(() -> {
          consumer.poll(Duration.ofMillis(200)).forEach(r -> received.add(r.value()));
          return !received.isEmpty();
        });
        assertThat(received).containsExactly(scan);
      }
    } finally {
      // and it stops cleanly when asked
      stack.stop.countDown();
      runner.join(Duration.ofSeconds(60).toMillis());
    }
    assertThat(runner.isAlive()).isFalse();
    assertThat(exitCode).hasValue(0);
  }

  private static ScanEvent scan() {
    return ScanEvent.newBuilder()
        .setIdentity(ScanIdentity.newBuilder().setStudyInstanceUid("1.2.3").setSeriesInstanceUid("1.2.3.4")
            .setSopInstanceUid("1.2.3.4.5").setPatientKey("pk-1").build())
        .setAcquisitionTime(Instant.ofEpochMilli(1_700_000_000_000L))
        .setSource("stack-test")
        .setEncoding(ImageEncoding.RAW_U8)
        .setWidth(2)
        .setHeight(2)
        .setImage(ByteBuffer.wrap(new byte[] {0, 64, (byte) 128, (byte) 255}))
        .build();
  }

  private static String printed(String output, String key) {
    Matcher m = Pattern.compile("(?m)^" + Pattern.quote(key) + "=(\\S+)$").matcher(output);
    assertThat(m.find()).as("'%s=' in %s", key, output).isTrue();
    return m.group(1);
  }
}
