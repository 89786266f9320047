package io.neurostream.classifier;

import io.neurostream.avro.DeadLetter;
import io.neurostream.avro.Prediction;
import io.neurostream.avro.ScanEvent;
import io.neurostream.kafka.Topics;
import java.time.Duration;
import java.util.Map;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.serialization.Serializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.state.KeyValueBytesStoreSupplier;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.StoreBuilder;
import org.apache.kafka.streams.state.Stores;

/**
 * The classifier as a pure topology factory:
 *
 * <pre>
 *   mri.scans (raw bytes) ─▶ intake (size, wire format, Avro, dimensions, re-sends) ─┬─▶ batcher ─▶ mri.predictions
 *                                                                          └─▶ mri.scans.dlq ◀─┘
 * </pre>
 *
 * <p>Values are read as raw bytes and deserialized inside the intake processor, so an undecodable
 * record, an unknown schema id or a bad magic byte becomes a dead letter with its original bytes
 * and source coordinates instead of stopping the stream thread. The batcher keeps waiting scans in
 * a changelogged store ({@value #BUFFER_STORE}).
 */
public final class ClassifierTopology {

  public static final String SOURCE = "scans";
  public static final String INTAKE = "intake";
  public static final String BATCHER = "batcher";
  public static final String PREDICTIONS_SINK = "predictions";
  public static final String DEAD_LETTER_SINK = "dead-letters";
  public static final String BUFFER_STORE = "scan-batch-buffer";

  private ClassifierTopology() {}

  /**
   * Builds the topology.
   *
   * @param settings batch and validation settings
   * @param serdeConfig the Avro serdes' configuration ({@code schema.registry.url}, ...)
   * @param models the model served, swappable between batches
   * @param metrics where counts and latencies go
   */
  public static Topology build(TopologySettings settings, Map<String, ?> serdeConfig,
      ModelHolder models, ClassifierMetrics metrics) {
    Serializer<Prediction> predictions = Topics.PREDICTIONS.valueSerde(serdeConfig).serializer();
    Serializer<DeadLetter> deadLetters = Topics.SCANS_DLQ.valueSerde(serdeConfig).serializer();

    KeyValueBytesStoreSupplier storeSupplier = settings.persistentBuffer()
        ? Stores.persistentKeyValueStore(BUFFER_STORE)
        : Stores.inMemoryKeyValueStore(BUFFER_STORE);
    // logging is on by default; said explicitly because exactly-once depends on it
    StoreBuilder<KeyValueStore<Long, BufferedScan>> buffer = Stores
        .keyValueStoreBuilder(storeSupplier, Serdes.Long(), BufferedScan.serde())
        .withLoggingEnabled(Map.of());

    Topology topology = new Topology();
    topology.addSource(SOURCE, new ByteArrayDeserializer(), new ByteArrayDeserializer(),
        Topics.SCANS.name());
    topology.addProcessor(INTAKE,
        () -> new ScanIntakeProcessor(reader(settings, serdeConfig), metrics, BATCHER,
            DEAD_LETTER_SINK, settings.dedupRetentionMs()),
        SOURCE);
    topology.addStateStore(ResendFilter.store(Duration.ofMillis(settings.dedupRetentionMs()),
        settings.persistentBuffer()), INTAKE);
    topology.addProcessor(BATCHER,
        () -> new BatchingProcessor(BUFFER_STORE, settings,
            new BatchInference(reader(settings, serdeConfig), settings, models, metrics),
            metrics, PREDICTIONS_SINK, DEAD_LETTER_SINK),
        INTAKE);
    topology.addStateStore(buffer, BATCHER);
    topology.addSink(PREDICTIONS_SINK, Topics.PREDICTIONS.name(), new StringSerializer(),
        predictions, BATCHER);
    topology.addSink(DEAD_LETTER_SINK, Topics.SCANS_DLQ.name(), new StringSerializer(),
        deadLetters, INTAKE, BATCHER);
    return topology;
  }

  private static ScanReader reader(TopologySettings settings, Map<String, ?> serdeConfig) {
    Deserializer<ScanEvent> scans = Topics.SCANS.valueSerde(serdeConfig).deserializer();
    return new ScanReader(scans, settings);
  }
}
