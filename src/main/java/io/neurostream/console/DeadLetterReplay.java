package io.neurostream.console;

import io.neurostream.avro.DeadLetter;
import io.neurostream.kafka.KafkaClients;
import io.neurostream.kafka.Topics;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.Deserializer;

/**
 * Reads one dead letter back from {@link Topics#SCANS_DLQ} by its position, and replays dead
 * letters: their original key and value bytes, unchanged, to {@link Topics#SCANS} (the only topic
 * the console replays to), with a {@code neurostream.replay-of} header naming the dead letter. The
 * producer is idempotent with {@code acks=all}: a replay reported as done is in Kafka.
 */
final class DeadLetterReplay implements AutoCloseable {

  /** Header on a replayed record: {@code mri.scans.dlq/<partition>@<offset>}. */
  static final String REPLAY_HEADER = "neurostream.replay-of";
  private static final Duration READ_TIMEOUT = Duration.ofSeconds(15);

  /** The outcome of replaying one dead letter. */
  record Outcome(String id, boolean replayed, String target, String error) {}

  private final Map<String, Object> client;
  private final Deserializer<DeadLetter> deserializer;
  private final KafkaProducer<byte[], byte[]> producer;

  DeadLetterReplay(Map<String, Object> client, Map<String, ?> serde) {
    this.client = client;
    this.deserializer = Topics.SCANS_DLQ.valueSerde(serde).deserializer();
    Map<String, Object> props = new HashMap<>(client);
    props.put(ProducerConfig.ACKS_CONFIG, "all");
    props.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
    props.put(ProducerConfig.MAX_REQUEST_SIZE_CONFIG, Topics.MAX_SCAN_BYTES + (64 << 10));
    props.put(ProducerConfig.CLIENT_ID_CONFIG, "console-replay");
    this.producer = new KafkaProducer<>(props, new ByteArraySerializer(), new ByteArraySerializer());
  }

  /**
   * The dead letter at {@code id} ({@code partition-offset}).
   *
   * @throws ApiException 404 if there is none, 400 if the id is malformed
   */
  DeadLetter read(String id) {
    TopicPartition tp = new TopicPartition(Topics.SCANS_DLQ.name(), partition(id));
    long offset = offset(id);
    Map<String, Object> props = KafkaClients.readCommitted(client, "console-dlq-read");
    props.remove("group.id");
    props.put("max.partition.fetch.bytes", 2 * Topics.MAX_SCAN_BYTES + (64 << 10));
    try (KafkaConsumer<byte[], byte[]> c =
        new KafkaConsumer<>(props, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
      c.assign(List.of(tp));
      Long end = c.endOffsets(List.of(tp), READ_TIMEOUT).get(tp);
      if (end == null || offset >= end) {
        throw ApiException.notFound("no dead letter " + id + " on " + tp);
      }
      c.seek(tp, offset);
      long deadline = System.nanoTime() + READ_TIMEOUT.toNanos();
      while (System.nanoTime() < deadline) {
        for (ConsumerRecord<byte[], byte[]> r : c.poll(Duration.ofMillis(200))) {
          if (r.offset() == offset && r.value() != null) {
            return deserializer.deserialize(r.topic(), r.headers(), r.value());
          }
          if (r.offset() > offset) {
            throw ApiException.notFound("dead letter " + id + " is gone (compacted, deleted by "
                + "retention, or a transaction marker)");
          }
        }
      }
      throw new ApiException(504, "reading dead letter " + id + " took longer than "
          + READ_TIMEOUT.toSeconds() + " s; check that the brokers are reachable");
    }
  }

  /** Replays each dead letter in turn; one that cannot be replayed says why, the rest go on. */
  List<Outcome> replay(List<String> ids) {
    List<Outcome> out = new ArrayList<>();
    for (String id : ids) {
      try {
        out.add(replayOne(id));
      } catch (ApiException | IllegalStateException e) {
        out.add(new Outcome(id, false, null, e.getMessage()));
      }
    }
    return out;
  }

  private Outcome replayOne(String id) {
    DeadLetter d = read(id);
    if (!Topics.SCANS.name().equals(d.getSourceTopic())) {
      return new Outcome(id, false, null, "its source is " + d.getSourceTopic()
          + "; the console replays to " + Topics.SCANS.name() + " only");
    }
    if (d.getOriginalValue() == null) {
      return new Outcome(id, false, null, "it carries no original value to replay");
    }
    ProducerRecord<byte[], byte[]> record = new ProducerRecord<>(Topics.SCANS.name(),
        bytes(d.getSourceKey()), bytes(d.getOriginalValue()));
    record.headers().add(REPLAY_HEADER, (Topics.SCANS_DLQ.name() + "/" + id.replace('-', '@'))
        .getBytes(StandardCharsets.UTF_8));
    try {
      RecordMetadata md = producer.send(record).get(30, TimeUnit.SECONDS);
      return new Outcome(id, true, md.topic() + "-" + md.partition() + "@" + md.offset(), null);
    } catch (ExecutionException e) {
      return new Outcome(id, false, null, "Kafka refused it: " + e.getCause().getMessage());
    } catch (TimeoutException e) {
      return new Outcome(id, false, null, "not acknowledged within 30 s; check the brokers "
          + "(it may still arrive)");
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return new Outcome(id, false, null, "interrupted");
    }
  }

  private static byte[] bytes(ByteBuffer b) {
    if (b == null) {
      return null;
    }
    ByteBuffer d = b.duplicate();
    byte[] out = new byte[d.remaining()];
    d.get(out);
    return out;
  }

  static int partition(String id) {
    return Integer.parseInt(parts(id)[0]);
  }

  static long offset(String id) {
    return Long.parseLong(parts(id)[1]);
  }

  private static String[] parts(String id) {
    String[] p = id == null ? new String[0] : id.split("-");
    if (p.length != 2 || !p[0].matches("\\d{1,5}") || !p[1].matches("\\d{1,19}")) {
      throw ApiException.badRequest("'" + id + "' is not a dead-letter id; ids are "
          + "<partition>-<offset>, as listed by GET /api/dead-letters");
    }
    return p;
  }

  @Override
  public void close() {
    producer.close(Duration.ofSeconds(5));
  }
}
