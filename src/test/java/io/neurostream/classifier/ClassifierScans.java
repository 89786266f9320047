package io.neurostream.classifier;

import io.neurostream.avro.ImageEncoding;
import io.neurostream.avro.ScanEvent;
import io.neurostream.avro.ScanIdentity;
import io.neurostream.imaging.GrayImage;
import java.nio.ByteBuffer;
import java.time.Instant;
import java.util.Arrays;
import java.util.Map;

/** Scan events for classifier tests: small PNG slices of a chosen brightness. */
final class ClassifierScans {

  private ClassifierScans() {}

  static String uid(int i) {
    return "2.25.1000" + i;
  }

  /** A {@code size}×{@code size} PNG slice of uniform intensity {@code level}. */
  static ScanEvent png(String sopUid, int size, float level) {
    float[] px = new float[size * size];
    Arrays.fill(px, level);
    byte[] png = new GrayImage(size, size, px).toPng();
    return scan(sopUid, ImageEncoding.PNG, size, size, png);
  }

  static ScanEvent scan(String sopUid, ImageEncoding encoding, int w, int h, byte[] image) {
    return ScanEvent.newBuilder()
        .setIdentity(ScanIdentity.newBuilder()
            .setStudyInstanceUid("2.25.1")
            .setSeriesInstanceUid("2.25.2")
            .setSopInstanceUid(sopUid)
            .setPatientKey("pk-test")
            .build())
        .setAcquisitionTime(Instant.ofEpochMilli(1_700_000_000_000L))
        .setSource("test")
        .setEncoding(encoding)
        .setWidth(w)
        .setHeight(h)
        .setImage(ByteBuffer.wrap(image))
        .setAttributes(Map.of())
        .build();
  }
}
