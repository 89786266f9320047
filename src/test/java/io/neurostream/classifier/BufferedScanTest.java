package io.neurostream.classifier;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.serialization.Serde;
import org.junit.jupiter.api.Test;

class BufferedScanTest {

  private final Serde<BufferedScan> serde = BufferedScan.serde();

  @Test
  void shouldRoundTripTheOriginalRecordAndItsCoordinates() {
    BufferedScan scan = new BufferedScan("mri.scans", 3, 42L, 1700000000000L,
        "1.2.3".getBytes(), new byte[] {0, 0, 0, 0, 1, 9});
    BufferedScan back = serde.deserializer().deserialize("t",
        serde.serializer().serialize("t", scan));
    assertThat(back.topic()).isEqualTo("mri.scans");
    assertThat(back.partition()).isEqualTo(3);
    assertThat(back.offset()).isEqualTo(42L);
    assertThat(back.timestamp()).isEqualTo(1700000000000L);
    assertThat(back.key()).isEqualTo("1.2.3".getBytes());
    assertThat(back.value()).isEqualTo(new byte[] {0, 0, 0, 0, 1, 9});
  }

  @Test
  void shouldKeepNullKeysAndValues() {
    BufferedScan scan = new BufferedScan("mri.scans", 0, 0L, 0L, null, null);
    BufferedScan back = serde.deserializer().deserialize("t",
        serde.serializer().serialize("t", scan));
    assertThat(back.key()).isNull();
    assertThat(back.value()).isNull();
  }

  @Test
  void shouldRefuseAnUnknownFormat() {
    assertThatThrownBy(() -> serde.deserializer().deserialize("t", new byte[] {7, 1, 2}))
        .isInstanceOf(SerializationException.class)
        .hasMessageContaining("format 7");
  }
}
