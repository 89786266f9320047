package io.neurostream.config;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class PluralTest {

  @Test
  void shouldUseTheSingularForOneOnly() {
    assertThat(Plural.of(1, "version")).isEqualTo("1 version");
    assertThat(Plural.of(0, "file")).isEqualTo("0 files");
    assertThat(Plural.of(2, "subject")).isEqualTo("2 subjects");
    assertThat(Plural.of(1200, "scan")).isEqualTo("1,200 scans");
    assertThat(Plural.of(1, "dead letter", "dead letters")).isEqualTo("1 dead letter");
    assertThat(Plural.of(3, "batch", "batches")).isEqualTo("3 batches");
    assertThat(Plural.noun(1, "image")).isEqualTo("image");
  }
}
