package io.neurostream.classifier;

import static org.assertj.core.api.Assertions.assertThat;

import io.neurostream.avro.Prediction;
import io.neurostream.avro.ScanEvent;
import io.neurostream.kafka.Topics;
import io.neurostream.platform.InMemoryRegistry;
import io.neurostream.serde.AvroSerdes;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.serialization.Serializer;
import org.apache.kafka.streams.processor.api.MockProcessorContext;
import org.apache.kafka.streams.processor.api.MockProcessorContext.CapturedForward;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.Stores;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

class BatchingProcessorTest {

  @RegisterExtension static final InMemoryRegistry registry = new InMemoryRegistry();

  @Test
  void shouldClassifyScansRestoredInTheBufferAtTheFirstPunctuationAndEmptyIt() {
    // given a buffer restored with three scans that were committed but not yet classified
    TopologySettings settings = TopologySettings.defaults().withBatch(32, 50);
    MockProcessorContext<Object, Object> context = new MockProcessorContext<>();
    KeyValueStore<Long, BufferedScan> store = store(context);
    Serializer<ScanEvent> serializer = scanSerializer();
    for (long offset = 5; offset < 8; offset++) {
      store.put(offset, buffered(serializer, offset, (int) offset, 1000L + offset));
    }
    FakeScanModel model = new FakeScanModel("v1");
    BatchingProcessor processor = unstarted(settings, model);

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
    processor.close();
  }

  @Test
  void shouldFillOneBatchFromAllPartitionsOfTheThreadAndForwardEachInItsOwnTask() {
    // given two partitions' batchers on one stream thread, batches of 4
    TopologySettings settings = TopologySettings.defaults().withBatch(4, 10_000);
    FakeScanModel model = new FakeScanModel("v1");
    Serializer<ScanEvent> serializer = scanSerializer();
    MockProcessorContext<Object, Object> contextA = new MockProcessorContext<>();
    MockProcessorContext<Object, Object> contextB = new MockProcessorContext<>();
    BatchingProcessor a = processor(contextA, settings, model);
    BatchingProcessor b = processor(contextB, settings, model);
    try {
      // when A receives two scans and B two
      a.process(record(serializer, 0, 1));
      a.process(record(serializer, 1, 2));
      b.process(record(serializer, 0, 3));
      assertThat(model.batchSizes).isEmpty();
      b.process(record(serializer, 1, 4));

      // then one inference of four runs; B forwards its two at once, A its two at its next turn
      assertThat(model.batchSizes).containsExactly(4);
      assertThat(contextB.forwarded()).hasSize(2);
      assertThat(contextA.forwarded()).isEmpty();
      contextA.scheduledPunctuators().get(0).getPunctuator().punctuate(1);
      assertThat(contextA.forwarded()).extracting(f -> ((Prediction) f.record().value())
              .getIdentity().getSopInstanceUid())
          .containsExactly(ClassifierScans.uid(1), ClassifierScans.uid(2));
      assertThat(contextA.forwarded()).allSatisfy(
          f -> assertThat(((Prediction) f.record().value()).getBatchSize()).isEqualTo(4));
      assertThat(contextA.<KeyValueStore<Long, BufferedScan>>getStateStore(
          ClassifierTopology.BUFFER_STORE).approximateNumEntries()).isZero();
    } finally {
      a.close();
      b.close();
    }
  }

  @Test
  void shouldHoldAPartialBatchWhileScansKeepArrivingAndRunItAtTheFirstQuietTick() {
    // given batches of 8 and a delay of 50 ms (punctuation every 10 ms)
    TopologySettings settings = TopologySettings.defaults().withBatch(8, 50);
    FakeScanModel model = new FakeScanModel("v1");
    Serializer<ScanEvent> serializer = scanSerializer();
    MockProcessorContext<Object, Object> context = new MockProcessorContext<>();
    BatchingProcessor p = processor(context, settings, model);
    var tick = context.scheduledPunctuators().get(0).getPunctuator();
    try {
      // when three scans arrive, the thread is busy for 60 ms (a commit), then more scans arrive
      // in the same loop as the punctuation that finds the delay passed
      p.process(record(serializer, 0, 1));
      p.process(record(serializer, 1, 2));
      p.process(record(serializer, 2, 3));
      context.setCurrentSystemTimeMs(60);
      p.process(record(serializer, 3, 4));
      tick.punctuate(60);
      context.setCurrentSystemTimeMs(65);
      p.process(record(serializer, 4, 5));
      tick.punctuate(65);

      // then the partial batch waits: scans are still coming
      assertThat(model.batchSizes).isEmpty();

      // and when no scan came for a tick, it runs with all five
      context.setCurrentSystemTimeMs(80);
      tick.punctuate(80);
      assertThat(model.batchSizes).containsExactly(5);
    } finally {
      p.close();
    }
  }

  @Test
  void shouldRunAPartialBatchAfterFourTimesTheDelayEvenWhileScansKeepArriving() {
    // given batches of 48 and a delay of 50 ms, and a scan every 5 ms
    TopologySettings settings = TopologySettings.defaults().withBatch(48, 50);
    FakeScanModel model = new FakeScanModel("v1");
    Serializer<ScanEvent> serializer = scanSerializer();
    MockProcessorContext<Object, Object> context = new MockProcessorContext<>();
    BatchingProcessor p = processor(context, settings, model);
    var tick = context.scheduledPunctuators().get(0).getPunctuator();
    try {
      int id = 0;
      for (long t = 0; t < 200; t += 5) {
        context.setCurrentSystemTimeMs(t);
        p.process(record(serializer, id, id++));
        tick.punctuate(t);
      }
      assertThat(model.batchSizes).isEmpty();

      // when the oldest has waited four times the delay
      context.setCurrentSystemTimeMs(200);
      p.process(record(serializer, id, id++));
      tick.punctuate(200);

      // then the batch runs with what it has
      assertThat(model.batchSizes).containsExactly(41);
    } finally {
      p.close();
    }
  }

  private static BatchingProcessor processor(MockProcessorContext<Object, Object> context,
      TopologySettings settings, FakeScanModel model) {
    store(context);
    BatchingProcessor p = unstarted(settings, model);
    context.setCurrentSystemTimeMs(0);
    p.init(context);
    return p;
  }

  /** The buffer store, registered with {@code context}. */
  private static KeyValueStore<Long, BufferedScan> store(MockProcessorContext<Object, Object> context) {
    KeyValueStore<Long, BufferedScan> store = Stores.keyValueStoreBuilder(
            Stores.inMemoryKeyValueStore(ClassifierTopology.BUFFER_STORE), Serdes.Long(),
            BufferedScan.serde())
        .withLoggingDisabled()
        .build();
    store.init(context.getStateStoreContext(), store);
    context.addStateStore(store);
    return store;
  }

  /** A processor over the buffer store, not yet initialised. */
  private static BatchingProcessor unstarted(TopologySettings settings, FakeScanModel model) {
    ClassifierMetrics metrics = ClassifierMetrics.discarding();
    ScanReader reader = new ScanReader(
        Topics.SCANS.valueSerde(registry.serdeConfig()).deserializer(), settings);
    return new BatchingProcessor(ClassifierTopology.BUFFER_STORE, settings,
        new BatchInference(reader, settings, new ModelHolder(model), metrics), metrics,
        "predictions", "dead-letters");
  }

  private static Serializer<ScanEvent> scanSerializer() {
    return AvroSerdes.specific(ScanEvent.class, registry.serdeConfig(), false).serializer();
  }

  private static BufferedScan buffered(Serializer<ScanEvent> serializer, long offset, int id, long timestamp) {
    ScanEvent scan = ClassifierScans.png(ClassifierScans.uid(id), 32, 0.1f);
    return new BufferedScan(Topics.SCANS.name(), 0, offset, timestamp,
        scan.getIdentity().getSopInstanceUid().getBytes(),
        serializer.serialize(Topics.SCANS.name(), scan));
  }

  private static org.apache.kafka.streams.processor.api.Record<Long, BufferedScan> record(
      Serializer<ScanEvent> serializer, long offset, int id) {
    return new org.apache.kafka.streams.processor.api.Record<>(offset,
        buffered(serializer, offset, id, 1000L), 1000L);
  }
}
