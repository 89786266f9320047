package io.neurostream.classifier;

import io.neurostream.avro.DeadLetter;
import io.neurostream.avro.ScanEvent;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.processor.api.RecordMetadata;

/**
 * First stop of a scan record: checks size, wire format, Avro and declared dimensions on the raw
 * bytes, drops a re-sent copy of a scan already taken in ({@link ResendFilter}), then hands the
 * record, with its source coordinates, to the batcher. A record that fails
 * goes to the dead-letter sink with its original bytes, so a poison record never blocks its
 * partition.
 */
final class ScanIntakeProcessor implements Processor<byte[], byte[], Object, Object> {

  private final ScanReader reader;
  private final ClassifierMetrics metrics;
  private final String batcher;
  private final String deadLetters;
  private final long dedupRetentionMs;
  private ProcessorContext<Object, Object> context;
  private ResendFilter resends;

  ScanIntakeProcessor(ScanReader reader, ClassifierMetrics metrics, String batcher,
      String deadLetters, long dedupRetentionMs) {
    this.reader = reader;
    this.metrics = metrics;
    this.batcher = batcher;
    this.deadLetters = deadLetters;
    this.dedupRetentionMs = dedupRetentionMs;
  }

  @Override
  public void init(ProcessorContext<Object, Object> context) {
    this.context = context;
    this.resends = new ResendFilter(context.getStateStore(ResendFilter.STORE), dedupRetentionMs);
  }

  @Override
  public void process(Record<byte[], byte[]> record) {
    metrics.scanIn();
    RecordMetadata meta = context.recordMetadata().orElseThrow();
    BufferedScan scan = new BufferedScan(meta.topic(), meta.partition(), meta.offset(),
        record.timestamp(), record.key(), record.value());
    ScanReader.Result result = reader.read(meta.topic(), record.value());
    if (result instanceof ScanReader.Rejected rejected) {
      long now = context.currentSystemTimeMs();
      DeadLetter letter = DeadLetters.of(scan, rejected.why(), now);
      metrics.deadLetter(rejected.why().stage().name(), rejected.why().errorType());
      context.forward(new Record<Object, Object>(scan.keyText(), letter, now), deadLetters);
      return;
    }
    ScanEvent accepted = ((ScanReader.Accepted) result).scan();
    if (resends.isResend(accepted, record.timestamp(), context.currentSystemTimeMs())) {
      metrics.resent();
      return; // already taken in: its prediction exists or is on its way
    }
    context.forward(new Record<Object, Object>(meta.offset(), scan, record.timestamp()), batcher);
  }
}
