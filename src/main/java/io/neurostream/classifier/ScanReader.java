package io.neurostream.classifier;

import io.neurostream.avro.ImageEncoding;
import io.neurostream.avro.ScanEvent;
import io.neurostream.ops.Faults;
import io.neurostream.serde.SchemaRegistryException;
import java.util.Locale;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.serialization.Deserializer;

/**
 * Reads and validates the raw value of a scan record: payload size, Confluent wire format, Avro,
 * identity and declared dimensions. A record that fails any check becomes a {@link ScanRejection}
 * with the stage and error type its DeadLetter carries; nothing here throws for bad input.
 */
final class ScanReader {

  /** A value that is read, or the reason it is not. */
  sealed interface Result permits Accepted, Rejected {}

  record Accepted(ScanEvent scan) implements Result {}

  record Rejected(ScanRejection why) implements Result {}

  private final Deserializer<ScanEvent> deserializer;
  private final TopologySettings settings;

  ScanReader(Deserializer<ScanEvent> deserializer, TopologySettings settings) {
    this.deserializer = deserializer;
    this.settings = settings;
  }

  Result read(String topic, byte[] value) {
    if (value == null) {
      return reject(FailureStage.VALIDATE, "MISSING_VALUE",
          "the record has no value (a tombstone?); scans must carry a ScanEvent");
    }
    if (value.length > settings.scanMaxPayloadBytes()) {
      return reject(FailureStage.VALIDATE, "PAYLOAD_TOO_LARGE", "the record has " + value.length
          + " bytes, above scan.max.payload.bytes=" + settings.scanMaxPayloadBytes()
          + "; downscale or compress the image, or raise scan.max.payload.bytes");
    }
    if (value.length < 5) {
      return reject(FailureStage.DESERIALIZE, "TRUNCATED_PAYLOAD", "the record has "
          + value.length + " bytes, fewer than the 5-byte schema-registry header");
    }
    if (value[0] != 0) {
      return reject(FailureStage.DESERIALIZE, "BAD_MAGIC_BYTE", String.format(Locale.ROOT,
          "the record starts with 0x%02x, not the schema-registry magic byte 0x00; the producer "
              + "must use the Confluent Avro serializer", value[0] & 0xff));
    }
    ScanEvent scan;
    try {
      scan = deserializer.deserialize(topic, value);
    } catch (SerializationException e) {
      if (registryUnavailable(e)) {
        // not the record's fault: fail the thread so the batch is retried, rather than
        // dead-lettering every record while the registry is down
        throw e;
      }
      return reject(FailureStage.DESERIALIZE, classify(e), String.valueOf(e.getMessage()));
    }
    if (scan == null) {
      return reject(FailureStage.DESERIALIZE, "UNDECODABLE_AVRO", "the value deserialized to null");
    }
    var id = scan.getIdentity();
    if (id == null || id.getSopInstanceUid() == null || id.getSopInstanceUid().isBlank()) {
      return reject(FailureStage.VALIDATE, "MISSING_SCAN_ID",
          "the scan has no identity.sopInstanceUid; set it to the slice's SOP Instance UID");
    }
    int w = scan.getWidth();
    int h = scan.getHeight();
    boolean raw = scan.getEncoding() == ImageEncoding.RAW_U8
        || scan.getEncoding() == ImageEncoding.RAW_U16_LE;
    // width/height are informative for self-describing formats; 0 there means "not stated"
    boolean stated = raw || w != 0 || h != 0;
    if (stated && !dimensionsAllowed(w, h)) {
      return reject(FailureStage.VALIDATE, "DIMENSIONS_OUT_OF_RANGE", dimensionMessage(w, h));
    }
    return new Accepted(scan);
  }

  boolean dimensionsAllowed(int w, int h) {
    return w >= settings.scanMinDimension() && h >= settings.scanMinDimension()
        && w <= settings.scanMaxDimension() && h <= settings.scanMaxDimension();
  }

  String dimensionMessage(int w, int h) {
    return "image is " + w + "x" + h + ", outside scan.min.dimension=" + settings.scanMinDimension()
        + " .. scan.max.dimension=" + settings.scanMaxDimension()
        + "; resample the slice or change those limits";
  }

  /** The registry could not be asked (unreachable, 5xx): a transient failure, not bad data. */
  static boolean registryUnavailable(SerializationException e) {
    return Faults.isTransient(e);
  }

  /** Names a deserialization failure for the dead letter's errorType. */
  static String classify(SerializationException e) {
    if (e.getCause() instanceof SchemaRegistryException r && r.isNotFound()) {
      return "UNKNOWN_SCHEMA_ID";
    }
    String m = String.valueOf(e.getMessage()).toLowerCase(Locale.ROOT);
    if (m.contains("magic byte")) {
      return "BAD_MAGIC_BYTE";
    }
    if (m.contains("unknown schema id") || m.contains("invalid schema id")) {
      return "UNKNOWN_SCHEMA_ID";
    }
    if (m.contains("cannot be read as")) {
      return "SCHEMA_MISMATCH";
    }
    return "UNDECODABLE_AVRO";
  }

  private static Rejected reject(FailureStage stage, String type, String message) {
    return new Rejected(ScanRejection.of(stage, type, message));
  }
}
