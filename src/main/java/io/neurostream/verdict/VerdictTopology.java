package io.neurostream.verdict;

import io.neurostream.avro.DeadLetter;
import io.neurostream.avro.Prediction;
import io.neurostream.avro.SeriesVerdict;
import io.neurostream.kafka.Topics;
import java.util.Map;
import java.util.function.Supplier;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.kstream.Branched;
import org.apache.kafka.streams.kstream.Consumed;
import org.apache.kafka.streams.kstream.KStream;
import org.apache.kafka.streams.kstream.Named;
import org.apache.kafka.streams.kstream.Produced;
import org.apache.kafka.streams.kstream.Repartitioned;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.StoreBuilder;
import org.apache.kafka.streams.state.Stores;

/**
 * The verdict stage as a pure topology factory:
 *
 * <pre>
 *   mri.predictions (by SOP UID) ─▶ intake ─▶ re-key by series ─▶ [repartition "by-series"]
 *        ─▶ aggregate (series state) ─▶ mri.series-verdicts (by series)
 *   unreadable prediction ─▶ mri.scans.dlq
 * </pre>
 *
 * <p>The repartition carries the classifier's original bytes (no new registry subject). All state
 * is in changelogged stores; run it with {@code exactly_once_v2}.
 */
public final class VerdictTopology {

  public static final String SERIES_STORE = "verdict-series";
  public static final String OPEN_STORE = "verdict-open-series";
  public static final String CLOSED_STORE = "verdict-closed-series";
  public static final String REPARTITION = "by-series";

  private VerdictTopology() {}

  /**
   * Builds the topology.
   *
   * @param settings gap, retention, aggregation
   * @param serdeConfig the Avro serdes' configuration ({@code schema.registry.url}, ...)
   * @param metrics where counts go
   * @param persistent RocksDB stores rather than in-memory ones (both are changelogged)
   */
  public static Topology build(VerdictSettings settings, Map<String, ?> serdeConfig,
      VerdictMetrics metrics, boolean persistent) {
    // one deserializer per task: each has its own registry client and schema cache
    Supplier<Deserializer<Prediction>> predictions =
        () -> Topics.PREDICTIONS.valueSerde(serdeConfig).deserializer();
    Serde<DeadLetter> deadLetters = Topics.SCANS_DLQ.valueSerde(serdeConfig);
    Serde<SeriesVerdict> verdicts = Topics.SERIES_VERDICTS.valueSerde(serdeConfig);

    StreamsBuilder builder = new StreamsBuilder();
    builder.addStateStore(store(SERIES_STORE, persistent, SeriesState.serde()));
    builder.addStateStore(store(OPEN_STORE, persistent, Serdes.Long()));
    builder.addStateStore(store(CLOSED_STORE, persistent, Serdes.Long()));

    Map<String, KStream<String, Object>> read = builder
        .stream(Topics.PREDICTIONS.name(), Consumed.with(Serdes.ByteArray(), Serdes.ByteArray())
            .withName("predictions"))
        .process(() -> new PredictionIntake(predictions.get(), metrics), Named.as("intake"))
        .split(Named.as("intake-"))
        .branch((k, v) -> v instanceof DeadLetter, Branched.as("dead-letters"))
        .defaultBranch(Branched.as("by-series"));

    read.get("intake-dead-letters")
        .mapValues(v -> (DeadLetter) v, Named.as("as-dead-letter"))
        .to(Topics.SCANS_DLQ.name(), Produced.with(Serdes.String(), deadLetters)
            .withName("dead-letters"));

    read.get("intake-by-series")
        .mapValues(v -> (byte[]) v, Named.as("as-bytes"))
        .repartition(Repartitioned.with(Serdes.String(), Serdes.ByteArray()).withName(REPARTITION))
        .process(() -> new SeriesVerdictProcessor(settings, predictions.get(), metrics),
            Named.as("aggregate"),
            SERIES_STORE, OPEN_STORE, CLOSED_STORE)
        .to(Topics.SERIES_VERDICTS.name(), Produced.with(Serdes.String(), verdicts)
            .withName("verdicts"));
    return builder.build();
  }

  private static <V> StoreBuilder<KeyValueStore<String, V>> store(String name, boolean persistent,
      Serde<V> values) {
    return Stores.keyValueStoreBuilder(persistent
            ? Stores.persistentKeyValueStore(name) : Stores.inMemoryKeyValueStore(name),
        Serdes.String(), values)
        // logging is on by default; said explicitly because exactly-once depends on it
        .withLoggingEnabled(Map.of());
  }
}
