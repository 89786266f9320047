package io.neurostream.serde;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import io.neurostream.avro.DementiaStage;
import io.neurostream.avro.Prediction;
import io.neurostream.avro.ScanEvent;
import io.neurostream.platform.registry.EmbeddedSchemaRegistry;
import java.io.ByteArrayOutputStream;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serde;
import org.junit.jupiter.api.Test;

/**
 * Throws random and mutated payloads at the deserializers (Specific and Generic, over our real
 * ScanEvent and Prediction schemas): the only exception allowed out is SerializationException, and
 * the whole run must end (the timeout is a hang guard, not a performance assertion). Seeded, so a
 * failure names the case that reproduces it.
 */
class DeserializerFuzzTest {

  private static final long SEED = 0x5EED_2024L;
  private static final int PAYLOADS = 10_000;

  /** How a payload was made. */
  enum Strategy {
    RANDOM_BYTES, VALID_HEADER_RANDOM_BODY, BIT_FLIPS, TRUNCATION, VALID_PREFIX_THEN_GARBAGE,
    HUGE_VARINT_LENGTH, EXTREME_BYTE_RUNS, SPLICED_CHUNK
  }

  private record Outcome(int decoded, int refused) {}

  @Test
  void shouldOnlyEverThrowSerializationExceptionAndNeverHang() {
    try (EmbeddedSchemaRegistry registry = EmbeddedSchemaRegistry.startInMemory(0)) {
      Map<String, Object> config = Map.of(SchemaRegistryConfig.URL, registry.url(),
          SchemaRegistryConfig.MAX_RETRIES, 0);
      Random random = new Random(SEED);
      List<byte[]> scans = new ArrayList<>();
      List<byte[]> predictions = new ArrayList<>();
      try (Serde<ScanEvent> scanSerde = AvroSerdes.specific(ScanEvent.class, config, false);
          Serde<Prediction> predictionSerde = AvroSerdes.specific(Prediction.class, config, false);
          Serde<GenericRecord> generic = AvroSerdes.generic(config, false)) {
        for (int i = 0; i < 20; i++) {
          scans.add(scanSerde.serializer().serialize("mri.scans", SampleScans.scan(i)));
          predictions.add(predictionSerde.serializer().serialize("mri.predictions", prediction(i)));
        }
        int[] validIds = {WireFormat.schemaId(scans.get(0)), WireFormat.schemaId(predictions.get(0))};

        Map<Strategy, int[]> outcomes = new EnumMap<>(Strategy.class);
        List<String> escapes = new ArrayList<>();
        assertTimeoutPreemptively(Duration.ofMinutes(5), () -> {
          for (int i = 0; i < PAYLOADS; i++) {
            Strategy strategy = Strategy.values()[i % Strategy.values().length];
            boolean fromScan = random.nextBoolean();
            byte[] base = (fromScan ? scans : predictions).get(random.nextInt(20));
            byte[] payload = mutate(strategy, base, validIds, random);
            Deserializer<? extends SpecificRecord> specific = fromScan
                ? scanSerde.deserializer() : predictionSerde.deserializer();
            for (Deserializer<?> deserializer : List.of(specific, generic.deserializer())) {
              int[] counts = outcomes.computeIfAbsent(strategy, s -> new int[2]);
              try {
                deserializer.deserialize(fromScan ? "mri.scans" : "mri.predictions", payload);
                counts[0]++;
              } catch (SerializationException expected) {
                assertThat(expected.getMessage()).isNotBlank();
                counts[1]++;
              } catch (Throwable escaped) {
                escapes.add("case " + i + " " + strategy + " " + escaped + " payload="
                    + HexFormat.of().formatHex(payload));
              }
            }
          }
        });

        outcomes.forEach((strategy, counts) -> System.err.printf("fuzz %-26s decoded %5d refused %5d%n",
            strategy, counts[0], counts[1]));
        assertThat(escapes).as("exceptions other than SerializationException").isEmpty();
        int total = outcomes.values().stream().mapToInt(c -> c[0] + c[1]).sum();
        assertThat(total).isEqualTo(2 * PAYLOADS);
        // every strategy made payloads the deserializer refused, so the fuzzing reached it
        outcomes.forEach((strategy, counts) ->
            assertThat(counts[1]).as("refused payloads of %s", strategy).isPositive());
        // and mutations that keep the payload well-formed still decode
        assertThat(outcomes.get(Strategy.BIT_FLIPS)[0]).isPositive();
      }
    }
  }

  private static byte[] mutate(Strategy strategy, byte[] base, int[] validIds, Random random) {
    switch (strategy) {
      case RANDOM_BYTES -> {
        byte[] bytes = new byte[random.nextInt(64) == 0 ? random.nextInt(5) : random.nextInt(400)];
        random.nextBytes(bytes);
        if (bytes.length > 0 && random.nextInt(4) == 0) {
          bytes[0] = 0; // get past the magic byte a quarter of the time
        }
        return bytes;
      }
      case VALID_HEADER_RANDOM_BODY -> {
        byte[] body = new byte[random.nextInt(300)];
        random.nextBytes(body);
        return WireFormat.frame(validIds[random.nextInt(validIds.length)], body);
      }
      case BIT_FLIPS -> {
        byte[] bytes = base.clone();
        int flips = 1 + random.nextInt(random.nextBoolean() ? 2 : 16);
        for (int f = 0; f < flips; f++) {
          // mostly in the body: flips in the id only exercise "unknown id"
          int at = random.nextInt(10) == 0 ? random.nextInt(bytes.length)
              : WireFormat.HEADER_SIZE + random.nextInt(bytes.length - WireFormat.HEADER_SIZE);
          bytes[at] ^= (byte) (1 << random.nextInt(8));
        }
        return bytes;
      }
      case TRUNCATION -> {
        return java.util.Arrays.copyOf(base, random.nextInt(base.length));
      }
      case VALID_PREFIX_THEN_GARBAGE -> {
        int keep = WireFormat.HEADER_SIZE + random.nextInt(base.length - WireFormat.HEADER_SIZE);
        byte[] garbage = new byte[1 + random.nextInt(200)];
        random.nextBytes(garbage);
        return concat(java.util.Arrays.copyOf(base, keep), garbage);
      }
      case HUGE_VARINT_LENGTH -> {
        long[] huge = {Integer.MAX_VALUE, Integer.MAX_VALUE - 8L, 1L << 31, 1L << 40,
            Long.MAX_VALUE, Long.MIN_VALUE, -1, 100_000_000L, base.length + 1L};
        int at = WireFormat.HEADER_SIZE + random.nextInt(base.length - WireFormat.HEADER_SIZE);
        byte[] varint = zigZagVarint(huge[random.nextInt(huge.length)]);
        byte[] tail = java.util.Arrays.copyOfRange(base,
            Math.min(base.length, at + random.nextInt(3)), base.length);
        return concat(concat(java.util.Arrays.copyOf(base, at), varint), tail);
      }
      case EXTREME_BYTE_RUNS -> {
        byte[] bytes = base.clone();
        byte[] extremes = {(byte) 0xff, (byte) 0x80, 0x7f, 0x01, 0x00};
        byte value = extremes[random.nextInt(extremes.length)];
        int at = WireFormat.HEADER_SIZE + random.nextInt(bytes.length - WireFormat.HEADER_SIZE);
        int run = 1 + random.nextInt(12);
        for (int k = at; k < Math.min(bytes.length, at + run); k++) {
          bytes[k] = value;
        }
        return bytes;
      }
      case SPLICED_CHUNK -> {
        int from = random.nextInt(base.length);
        int to = from + random.nextInt(base.length - from);
        int at = WireFormat.HEADER_SIZE + random.nextInt(base.length - WireFormat.HEADER_SIZE);
        byte[] chunk = java.util.Arrays.copyOfRange(base, from, to);
        return concat(concat(java.util.Arrays.copyOf(base, at), chunk),
            java.util.Arrays.copyOfRange(base, at, base.length));
      }
      default -> throw new IllegalStateException(strategy.name());
    }
  }

  private static byte[] zigZagVarint(long value) {
    long zigzag = (value << 1) ^ (value >> 63);
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    while ((zigzag & ~0x7FL) != 0) {
      out.write((int) ((zigzag & 0x7F) | 0x80));
      zigzag >>>= 7;
    }
    out.write((int) zigzag);
    return out.toByteArray();
  }

  private static byte[] concat(byte[] a, byte[] b) {
    byte[] result = java.util.Arrays.copyOf(a, a.length + b.length);
    System.arraycopy(b, 0, result, a.length, b.length);
    return result;
  }

  private static Prediction prediction(int i) {
    return Prediction.newBuilder()
        .setIdentity(SampleScans.scan(i).getIdentity())
        .setPredicted(DementiaStage.values()[i % DementiaStage.values().length])
        .setProbabilities(List.of(0.4f, 0.3f, 0.2f, 0.1f))
        .setModelVersion("model-" + i)
        .setScanTimestamp(Instant.ofEpochMilli(1_700_000_000_000L + i))
        .setPredictedAt(Instant.ofEpochMilli(1_700_000_000_500L + i))
        .setBatchSize(1 + i % 8)
        .build();
  }
}
