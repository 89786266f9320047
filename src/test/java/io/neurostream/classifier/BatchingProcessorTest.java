package io.neurostream.classifier;

import static org.assertj.core.api.Assertions.assertThat;

import io.neurostream.avro.Prediction;
import io.neurostream.avro.ScanEvent;
import io.neurostream.kafka.Topics;
import io.neurostream.registry.EmbeddedSchemaRegistry;
import io.neurostream.serde.AvroSerdes;
import java.util.Map;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.serialization.Serializer;
import org.apache.kafka.streams.processor.api.MockProcessorContext;
import org.apache.kafka.streams.processor.api.MockProcessorContext.CapturedForward;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.Stores;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class BatchingProcessorTest {

  private static EmbeddedSchemaRegistry registry;
  private static Map<String, Object> serdeConfig;

  @BeforeAll
  static void startRegistry() {
    registry = EmbeddedSchemaRegistry.startInMemory(0);
    serdeConfig = Map.of("schema.registry.url", registry.url());
  }

  @AfterAll
  static void stopRegistry() {
    registry.close();
  }

  @Test
  void shouldClassifyScansRestoredInTheBufferAtTheFirstPunctuationAndEmptyIt() {
    // given a buffer restored with three scans that were committed but not yet classified
    TopologySettings settings = TopologySettings.defaults().withBatch(32, 50);
    MockProcessorContext<Object, Object> context = new MockProcessorContext<>();
    KeyValueStore<Long, BufferedScan> store = Stores.keyValueStoreBuilder(
            Stores.inMemoryKeyValueStore(ClassifierTopology.BUFFER_STORE), Serdes.Long(),
            BufferedScan.serde())
        .withLoggingDisabled()
        .build();
    store.init(context.getStateStoreContext(), store);
    context.addStateStore(store);
    Serializer<ScanEvent> serializer =
        AvroSerdes.specific(ScanEvent.class, serdeConfig, false).serializer();
    for (long offset = 5; offset < 8; offset++) {
      ScanEvent scan = ClassifierScans.png(ClassifierScans.uid((int) offset), 32, 0.1f);
      store.put(offset, new BufferedScan(Topics.SCANS.name(), 0, offset, 1000L + offset,
          scan.getIdentity().getSopInstanceUid().getBytes(),
          serializer.serialize(Topics.SCANS.name(), scan)));
    }
    FakeScanModel model = new FakeScanModel("v1");
    ClassifierMetrics metrics = ClassifierMetrics.discarding();
    ScanReader reader = new ScanReader(
        Topics.SCANS.valueSerde(serdeConfig).deserializer(), settings);
    BatchingProcessor processor = new BatchingProcessor(ClassifierTopology.BUFFER_STORE, settings,
        new BatchInference(reader, settings, new ModelHolder(model), metrics), metrics,
        "predictions", "dead-letters");

    // when the processor starts and its first punctuation fires, before the delay has passed
    context.setCurrentSystemTimeMs(2000L);
    processor.init(context);
    context.scheduledPunctuators().get(0).getPunctuator().punctuate(0L);

    // then all three are classified in one batch, in offset order, and the buffer is empty
    assertThat(context.forwarded()).extracting(CapturedForward::childName)
        .containsOnly(java.util.Optional.of("predictions"));
    assertThat(context.forwarded()).extracting(f -> ((Prediction) f.record().value())
            .getIdentity().getSopInstanceUid())
        .containsExactly(ClassifierScans.uid(5), ClassifierScans.uid(6), ClassifierScans.uid(7));
    assertThat(context.forwarded()).extracting(f -> f.record().timestamp())
        .containsExactly(1005L, 1006L, 1007L);
    assertThat(model.batchSizes).containsExactly(3);
    assertThat(store.approximateNumEntries()).isZero();
  }
}
