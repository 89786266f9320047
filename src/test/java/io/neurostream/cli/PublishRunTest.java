package io.neurostream.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.tuple;

import io.neurostream.kafka.Topic;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Future;
import java.util.stream.IntStream;
import org.apache.kafka.clients.producer.Callback;
import org.apache.kafka.clients.producer.MockProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.errors.TimeoutException;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

class PublishRunTest {

  static final Topic<String, String> TOPIC = new Topic<>("test.scans", 1, (short) 1, Map.of(),
      config -> Serdes.String(), config -> Serdes.String());

  final StringWriter errText = new StringWriter();
  final PrintWriter err = new PrintWriter(errText, true);
  final PublishRun<String, String> run = new PublishRun<>("ingest", TOPIC, 0, err);

  /** Acknowledges every send except those keyed in {@code failing}, as a broker would. */
  static final class Broker extends MockProducer<String, String> {
    private final Set<String> failing;

    Broker(Set<String> failing) {
      super(false, null, new StringSerializer(), new StringSerializer());
      this.failing = failing;
    }

    @Override
    public synchronized Future<RecordMetadata> send(ProducerRecord<String, String> record,
        Callback callback) {
      Future<RecordMetadata> future = super.send(record, callback);
      if (failing.contains(record.key())) {
        errorNext(new TimeoutException("no ack for " + record.key()));
      } else {
        completeNext();
      }
      return future;
    }
  }

  @Test
  void shouldSendEveryPreparedItemToTheTopicKeyedAsPrepared() throws Exception {
    // given
    Broker broker = new Broker(Set.of());

    // when
    PublishRun.Tally tally = run.publish(List.of("a", "b", "c"), broker,
        item -> PublishRun.send("uid-" + item, "scan " + item));

    // then
    assertThat(broker.history()).extracting(ProducerRecord::topic, ProducerRecord::key,
            ProducerRecord::value)
        .containsExactly(
            tuple("test.scans", "uid-a", "scan a"),
            tuple("test.scans", "uid-b", "scan b"),
            tuple("test.scans", "uid-c", "scan c"));
    assertThat(broker.flushed()).isTrue();
    assertThat(tally.sent()).isEqualTo(3);
    assertThat(tally.failed()).isZero();
    assertThat(tally.published()).isEqualTo(3);
    assertThat(tally.skipped()).isEmpty();
    assertThat(tally.exitCode()).isZero();
    assertThat(tally.summary("scan"))
        .isEqualTo("ingest: 3 scans published to test.scans, 0 files skipped");
    assertThat(tally.failureNote()).isEmpty();
    assertThat(errText.toString()).contains("ingest [").contains("3/3");
  }

  @Test
  void shouldListSkippedItemsInOrderAndExitPartial() throws Exception {
    // given
    Broker broker = new Broker(Set.of());

    // when
    PublishRun.Tally tally = run.publish(List.of("a", "bad1", "b", "bad2"), broker,
        item -> item.startsWith("bad")
            ? PublishRun.skip(item + ": not an image")
            : PublishRun.send(item, item));
    tally.printSkipped(err);

    // then
    assertThat(broker.history()).extracting(ProducerRecord::key).containsExactly("a", "b");
    assertThat(tally.skipped()).containsExactly("bad1: not an image", "bad2: not an image");
    assertThat(tally.exitCode()).isEqualTo(PublishRun.PARTIAL);
    assertThat(tally.summary("scan"))
        .isEqualTo("ingest: 2 scans published to test.scans, 2 files skipped");
    assertThat(errText.toString())
        .contains("  skipped bad1: not an image" + System.lineSeparator()
            + "  skipped bad2: not an image" + System.lineSeparator());
  }

  @Test
  void shouldCountOneOfEachInTheSingular() throws Exception {
    PublishRun.Tally tally = run.publish(List.of("a", "bad"), new Broker(Set.of()),
        item -> item.equals("bad") ? PublishRun.skip("bad: not an image") : PublishRun.send(item, item));

    assertThat(tally.summary("scan")).isEqualTo("ingest: 1 scan published to test.scans, 1 file skipped");
  }

  @Test
  void shouldListTheFirstTwentySkippedItemsAndCountTheRest() throws Exception {
    // given
    List<String> items = IntStream.range(0, 25).mapToObj(i -> "f" + i).toList();

    // when
    PublishRun.Tally tally = run.publish(items, new Broker(Set.of()),
        item -> PublishRun.skip(item + ": unreadable"));
    tally.printSkipped(err);

    // then
    assertThat(tally.skipped()).hasSize(25);
    assertThat(tally.summary("scan")).isEqualTo("ingest: 0 scans published to test.scans, 25 files skipped");
    assertThat(errText.toString()).contains("  skipped f19: unreadable")
        .doesNotContain("  skipped f20: unreadable")
        .contains("  ... and 5 more");
  }

  @Test
  void shouldCountSendsTheBrokerDidNotAcknowledgeAndKeepTheFirstReason() throws Exception {
    // given
    Broker broker = new Broker(Set.of("b", "c"));

    // when
    PublishRun.Tally tally = run.publish(List.of("a", "b", "c"), broker,
        item -> PublishRun.send(item, item));

    // then
    assertThat(tally.sent()).isEqualTo(3);
    assertThat(tally.failed()).isEqualTo(2);
    assertThat(tally.published()).isEqualTo(1);
    assertThat(tally.firstFailure()).isEqualTo("no ack for b");
    assertThat(tally.exitCode()).isEqualTo(PublishRun.PARTIAL);
    assertThat(tally.summary("label") + tally.failureNote())
        .isEqualTo("ingest: 1 label published to test.scans, 0 files skipped, "
            + "2 not acknowledged (no ack for b)");
  }

  @Test
  void shouldPrepareEachItemOnlyWhenItsTurnComesAndStopWhenPreparationThrows() {
    // given
    Broker broker = new Broker(Set.of());
    List<Integer> sentBeforePreparing = new ArrayList<>();

    // when / then
    assertThatThrownBy(() -> run.publish(List.of("a", "b", "dicom", "c"), broker, item -> {
      sentBeforePreparing.add(broker.history().size());
      if (item.equals("dicom")) {
        throw new IllegalStateException("set patient.key.salt");
      }
      return PublishRun.send(item, item);
    })).isInstanceOf(IllegalStateException.class).hasMessage("set patient.key.salt");
    assertThat(sentBeforePreparing).containsExactly(0, 1, 2);
    assertThat(broker.history()).extracting(ProducerRecord::key).containsExactly("a", "b");
  }

  @Test
  void shouldListThePublishingExitCodesInTheHelpOfIngestAndLabel() {
    for (Object command : List.of(new IngestCommand(), new LabelCommand())) {
      String help = new CommandLine(command).getUsageMessage(CommandLine.Help.Ansi.OFF);
      assertThat(help).contains("Exit codes:")
          .contains("0   all files sent")
          .contains("3   some files were skipped or not acknowledged (listed on stderr)");
    }
  }
}
