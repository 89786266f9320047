package io.neurostream.console;

import io.neurostream.avro.DementiaStage;
import io.neurostream.avro.Explanation;
import io.neurostream.avro.Prediction;
import io.neurostream.avro.ScanEvent;
import io.neurostream.avro.ScanIdentity;
import io.neurostream.avro.SeriesAggregation;
import io.neurostream.avro.SeriesVerdict;
import io.neurostream.avro.SupportingSlice;
import io.neurostream.avro.VerdictClosure;
import io.neurostream.kafka.Topic;
import io.neurostream.kafka.Topics;
import io.neurostream.platform.KafkaStack;
import java.nio.ByteBuffer;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.serialization.StringSerializer;

/** Publishes a prediction, a series verdict and an explanation as the services would. */
final class VerdictSeed implements AutoCloseable {

  private final KafkaStack stack;

  VerdictSeed(KafkaStack stack) {
    this.stack = stack;
  }

  void prediction(String sop, String series) throws Exception {
    prediction(sop, series, null, null);
  }

  /** A prediction of the scan at {@code scanPartition}/{@code scanOffset} of mri.scans. */
  void prediction(String sop, String series, Integer scanPartition, Long scanOffset)
      throws Exception {
    Instant now = Instant.now();
    send(Topics.PREDICTIONS, sop, Prediction.newBuilder()
        .setIdentity(identity(sop, series))
        .setScanPartition(scanPartition).setScanOffset(scanOffset)
        .setPredicted(DementiaStage.Mild_Demented)
        .setProbabilities(List.of(0.1f, 0.1f, 0.7f, 0.1f))
        .setModelVersion("seed-model").setScanTimestamp(now.minusMillis(40)).setPredictedAt(now)
        .setBatchSize(1).build());
  }

  void verdict(String series, String sop) throws Exception {
    Instant now = Instant.now();
    send(Topics.SERIES_VERDICTS, series, SeriesVerdict.newBuilder()
        .setStudyInstanceUid("1.2.3").setSeriesInstanceUid(series).setPatientKey("p-seed")
        .setSlices(1).setSlicesExpected(1)
        .setProbabilities(Map.of("Non_Demented", 0.1, "Very_Mild_Demented", 0.1,
            "Mild_Demented", 0.7, "Moderate_Demented", 0.1))
        .setVerdict(DementiaStage.Mild_Demented).setConfidence(0.7)
        .setAggregation(SeriesAggregation.MEAN_PROBABILITY)
        .setModelVersions(List.of("seed-model")).setMixedModelVersions(false)
        .setSupportingSlices(List.of(SupportingSlice.newBuilder().setSopInstanceUid(sop)
            .setProbability(0.7).setModelVersion("seed-model").build()))
        .setClosedBy(VerdictClosure.COMPLETE).setRevision(1)
        .setFirstScanAt(now).setLastPredictedAt(now).setClosedAt(now).build());
  }

  void explanation(String sop, String series, byte[] png) throws Exception {
    send(Topics.EXPLANATIONS, sop, Explanation.newBuilder()
        .setSopInstanceUid(sop).setSeriesInstanceUid(series).setStudyInstanceUid("1.2.3")
        .setExplainedClass(DementiaStage.Mild_Demented).setProbability(0.7)
        .setModelVersion("seed-model").setGridWidth(1).setGridHeight(1).setGrid(List.of(1f))
        .setOverlayPng(ByteBuffer.wrap(png)).setVerdictRevision(1).setComputedAt(Instant.now())
        .setComputeMs(5).build());
  }

  /** Publishes {@code scan} to mri.scans; where it landed. */
  RecordMetadata scan(ScanEvent scan) throws Exception {
    return send(Topics.SCANS, scan.getIdentity().getSopInstanceUid(), scan);
  }

  private static ScanIdentity identity(String sop, String series) {
    return ScanIdentity.newBuilder().setStudyInstanceUid("1.2.3").setSeriesInstanceUid(series)
        .setSopInstanceUid(sop).setPatientKey("p-seed").build();
  }

  private <V extends SpecificRecord> RecordMetadata send(Topic<String, V> topic, String key,
      V value) throws Exception {
    try (KafkaProducer<String, V> p = new KafkaProducer<>(new HashMap<>(stack.client()),
        new StringSerializer(), topic.valueSerde(stack.serdeConfig()).serializer())) {
      return p.send(new ProducerRecord<>(topic.name(), key, value)).get();
    }
  }

  @Override
  public void close() {}
}
