package io.neurostream.classifier;

import io.neurostream.avro.DeadLetter;
import java.nio.ByteBuffer;
import java.time.Instant;

/** Builds the DeadLetter of a scan from its original record and the reason it was rejected. */
final class DeadLetters {

  private DeadLetters() {}

  static DeadLetter of(BufferedScan scan, ScanRejection why, long nowMs) {
    return DeadLetter.newBuilder()
        .setSourceTopic(scan.topic())
        .setSourcePartition(scan.partition())
        .setSourceOffset(scan.offset())
        .setSourceKey(scan.key() == null ? null : ByteBuffer.wrap(scan.key()))
        .setOriginalValue(scan.value() == null ? null : ByteBuffer.wrap(scan.value()))
        .setStage(why.stage().name())
        .setErrorType(why.errorType())
        .setErrorMessage(why.message() == null ? why.errorType() : why.message())
        .setFailedAt(Instant.ofEpochMilli(nowMs))
        .build();
  }
}
