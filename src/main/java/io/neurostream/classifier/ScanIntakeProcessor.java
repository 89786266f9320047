package io.neurostream.classifier;

import io.neurostream.avro.DeadLetter;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.processor.api.RecordMetadata;

/**
 * First stop of a scan record: checks size, wire format, Avro and declared dimensions on the raw
 * bytes, then hands the record, with its source coordinates, to the batcher. A record that fails
 * goes to the dead-letter sink with its original bytes, so a poison record never blocks its
 * partition.
 */
final class ScanIntakeProcessor implements Processor<byte[], byte[], Object, Object> {

  private final ScanReader reader;
  private final ClassifierMetrics metrics;
  private final String batcher;
  private final String deadLetters;
  private ProcessorContext<Object, Object> context;

  ScanIntakeProcessor(ScanReader reader, ClassifierMetrics metrics, String batcher,
      String deadLetters) {
    this.reader = reader;
    this.metrics = metrics;
    this.batcher = batcher;
    this.deadLetters = deadLetters;
  }

  @Override
  public void init(ProcessorContext<Object, Object> context) {
    this.context = context;
  }

  @Override
  public void process(Record<byte[], byte[]> record) {
    metrics.scanIn();
    RecordMetadata meta = context.recordMetadata().orElseThrow();
    BufferedScan scan = new BufferedScan(meta.topic(), meta.partition(), meta.offset(),
        record.timestamp(), record.key(), record.value());
    if (reader.read(meta.topic(), record.value()) instanceof ScanReader.Rejected rejected) {
      long now = context.currentSystemTimeMs();
      DeadLetter letter = DeadLetters.of(scan, rejected.why(), now);
      metrics.deadLetter(rejected.why().stage().name(), rejected.why().errorType());
      context.forward(new Record<Object, Object>(scan.keyText(), letter, now), deadLetters);
      return;
    }
    context.forward(new Record<Object, Object>(meta.offset(), scan, record.timestamp()), batcher);
  }
}
