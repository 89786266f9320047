package io.neurostream.serde;

import io.neurostream.avro.ImageEncoding;
import io.neurostream.avro.ScanEvent;
import io.neurostream.avro.ScanIdentity;
import java.nio.ByteBuffer;
import java.time.Instant;
import java.util.Map;
import java.util.Random;
import org.apache.avro.Schema;

/** ScanEvents for serde tests, deterministic from a seed. */
final class SampleScans {

  private SampleScans() {}

  static ScanEvent scan(long seed) {
    Random random = new Random(seed);
    byte[] image = new byte[16 + random.nextInt(200)];
    random.nextBytes(image);
    return ScanEvent.newBuilder()
        .setIdentity(ScanIdentity.newBuilder()
            .setStudyInstanceUid("1.2.826.0.1." + seed)
            .setSeriesInstanceUid("1.2.826.0.1." + seed + ".1")
            .setSopInstanceUid("1.2.826.0.1." + seed + ".1." + random.nextInt(1000))
            .setPatientKey("pk-" + Long.toHexString(random.nextLong()))
            .build())
        .setAcquisitionTime(Instant.ofEpochMilli(1_700_000_000_000L + seed))
        .setSource("PACS_AE_" + (seed % 3))
        .setSliceIndex(seed % 2 == 0 ? (int) (seed % 40) : null)
        .setSliceCount(seed % 2 == 0 ? 40 : null)
        .setEncoding(ImageEncoding.values()[(int) (seed % ImageEncoding.values().length)])
        .setWidth(8 + random.nextInt(8))
        .setHeight(8 + random.nextInt(8))
        .setImage(ByteBuffer.wrap(image))
        .setAttributes(seed % 3 == 0 ? Map.of() : Map.of("modality", "MR", "fieldStrength", "3T"))
        .build();
  }

  /**
   * ScanEvent as it was before {@code attributes} existed: the "v1" of a BACKWARD-compatible
   * evolution whose "v2" is the generated class.
   */
  static Schema scanEventV1() {
    String v2 = ScanEvent.getClassSchema().toString();
    Schema parsed = new Schema.Parser().parse(v2);
    var fields = parsed.getFields().stream()
        .filter(f -> !f.name().equals("attributes"))
        .map(f -> new Schema.Field(f, f.schema()))
        .toList();
    Schema v1 = Schema.createRecord(parsed.getName(), parsed.getDoc(), parsed.getNamespace(), false,
        fields);
    return v1;
  }
}
