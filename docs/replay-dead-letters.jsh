// List or replay the dead letters on mri.scans.dlq (docs/operations.md, "Replaying dead letters").
//
//   jshell --class-path target/neurostream.jar docs/replay-dead-letters.jsh 2>/dev/null
//
// It reads the same environment as the services:
//   KAFKA_BOOTSTRAP_SERVERS          Kafka brokers (default localhost:9092)
//   KAFKA_SECURITY_*, KAFKA_SASL_*, KAFKA_SSL_*   passed to the Kafka clients, as the services do
//   NEUROSTREAM_SCHEMA_REGISTRY_URL  schema registry (default http://localhost:8081)
//   NEUROSTREAM_BASIC_AUTH_USER_INFO registry credentials user:password, if any
// and these of its own:
//   MODE        list (default: print, change nothing) or replay (re-publish, then remember)
//   ERROR_TYPE  only dead letters with this errorType, e.g. INFERENCE_FAILED (default: all)
//   GROUP       consumer group that remembers what was replayed
//               (default neurostream-dlq-replay, or neurostream-dlq-replay-<ERROR_TYPE>)
// Replay writes each dead letter's original key and value bytes, unchanged, to its source topic.
import io.neurostream.avro.DeadLetter;
import io.neurostream.kafka.Topics;
import java.time.Duration;
import java.util.*;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;

var env = System.getenv();
var only = env.get("ERROR_TYPE");
var replay = "replay".equals(env.get("MODE"));
var group = env.getOrDefault("GROUP", "neurostream-dlq-replay" + (only == null ? "" : "-" + only));

var client = new HashMap<String, Object>();
client.put("bootstrap.servers", env.getOrDefault("KAFKA_BOOTSTRAP_SERVERS", "localhost:9092"));
env.forEach((name, value) -> {
  var property = name.startsWith("KAFKA_") ? name.substring(6).toLowerCase().replace('_', '.') : "";
  if (property.startsWith("security.") || property.startsWith("sasl.") || property.startsWith("ssl.")) {
    client.put(property, value);
  }
});
var serde = new HashMap<String, Object>();
serde.put("schema.registry.url", env.getOrDefault("NEUROSTREAM_SCHEMA_REGISTRY_URL", "http://localhost:8081"));
if (env.containsKey("NEUROSTREAM_BASIC_AUTH_USER_INFO")) {
  serde.put("basic.auth.credentials.source", "USER_INFO");
  serde.put("basic.auth.user.info", env.get("NEUROSTREAM_BASIC_AUTH_USER_INFO"));
}

var consumerProps = new HashMap<String, Object>(client);
consumerProps.put("group.id", group);
consumerProps.put("enable.auto.commit", "false");
consumerProps.put("auto.offset.reset", "earliest");
consumerProps.put("isolation.level", "read_committed");
consumerProps.put("max.partition.fetch.bytes", 2 * Topics.MAX_SCAN_BYTES + 65536);
var producerProps = new HashMap<String, Object>(client);
producerProps.put("acks", "all");
producerProps.put("enable.idempotence", "true");
producerProps.put("max.request.size", Topics.MAX_SCAN_BYTES + 65536);

int seen = 0, sent = 0, idle = 0;
try (var consumer = new KafkaConsumer<>(consumerProps, new StringDeserializer(),
         Topics.SCANS_DLQ.valueSerde(serde).deserializer());
     var producer = new KafkaProducer<>(producerProps, new ByteArraySerializer(), new ByteArraySerializer())) {
  consumer.subscribe(List.of(Topics.SCANS_DLQ.name()));
  while (idle < 5) {
    var records = consumer.poll(Duration.ofSeconds(2));
    if (records.isEmpty()) { idle++; continue; }
    idle = 0;
    for (var r : records) {
      DeadLetter d = r.value();
      if (only != null && !only.equals(d.getErrorType())) continue;
      seen++;
      System.out.printf("%s-%d@%d key=%s stage=%s errorType=%s failedAt=%s: %s%n",
          d.getSourceTopic(), d.getSourcePartition(), d.getSourceOffset(), r.key(),
          d.getStage(), d.getErrorType(), d.getFailedAt(), d.getErrorMessage());
      if (replay && d.getOriginalValue() != null) {
        byte[] key = null;
        if (d.getSourceKey() != null) {
          key = new byte[d.getSourceKey().remaining()];
          d.getSourceKey().duplicate().get(key);
        }
        byte[] value = new byte[d.getOriginalValue().remaining()];
        d.getOriginalValue().duplicate().get(value);
        producer.send(new ProducerRecord<>(d.getSourceTopic(), key, value));
        sent++;
      }
    }
    // only after the replayed records are acknowledged does the group move past them
    if (replay) { producer.flush(); consumer.commitSync(); }
  }
}
System.out.printf("%d dead letters%s; %d replayed (group %s)%n", seen,
    only == null ? "" : " with errorType " + only, sent, group);
/exit
