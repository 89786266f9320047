package io.neurostream.verdict;

import io.neurostream.avro.DeadLetter;
import io.neurostream.avro.Prediction;
import java.nio.ByteBuffer;
import java.time.Instant;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.processor.api.RecordMetadata;

/**
 * Reads a prediction record (raw bytes) and forwards it re-keyed by its series, still as the
 * original bytes, so the repartition topic carries exactly what the classifier wrote. A record
 * that cannot be read becomes a {@link DeadLetter} (stage DESERIALIZE, with its original bytes and
 * coordinates) instead of stopping the stream thread.
 */
final class PredictionIntake implements Processor<byte[], byte[], String, Object> {

  private final Deserializer<Prediction> predictions;
  private final VerdictMetrics metrics;
  private ProcessorContext<String, Object> context;

  PredictionIntake(Deserializer<Prediction> predictions, VerdictMetrics metrics) {
    this.predictions = predictions;
    this.metrics = metrics;
  }

  @Override
  public void init(ProcessorContext<String, Object> context) {
    this.context = context;
  }

  @Override
  public void process(Record<byte[], byte[]> record) {
    String topic = context.recordMetadata().map(RecordMetadata::topic).orElse("?");
    try {
      Prediction p = predictions.deserialize(topic, record.value());
      if (p == null) {
        throw new IllegalArgumentException("a prediction record without a value (tombstone)");
      }
      context.forward(record.withKey(SeriesKeys.of(p)).withValue((Object) record.value()));
    } catch (RuntimeException e) {
      metrics.deadLetter();
      RecordMetadata m = context.recordMetadata().orElse(null);
      DeadLetter letter = DeadLetter.newBuilder()
          .setSourceTopic(topic)
          .setSourcePartition(m == null ? -1 : m.partition())
          .setSourceOffset(m == null ? -1 : m.offset())
          .setSourceKey(record.key() == null ? null : ByteBuffer.wrap(record.key()))
          .setOriginalValue(record.value() == null ? null : ByteBuffer.wrap(record.value()))
          .setStage("DESERIALIZE")
          .setErrorType("PREDICTION_UNREADABLE")
          .setErrorMessage("the verdict stage cannot read this prediction (" + e.getMessage()
              + "); it is not counted in any series. Check the producer's schema and registry.")
          .setFailedAt(Instant.ofEpochMilli(context.currentSystemTimeMs()))
          .build();
      String key = record.key() == null ? null : new String(record.key(),
          java.nio.charset.StandardCharsets.UTF_8);
      context.forward(new Record<>(key, (Object) letter, record.timestamp()));
    }
  }
}
