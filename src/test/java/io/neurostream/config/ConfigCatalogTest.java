package io.neurostream.config;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class ConfigCatalogTest {

  @Test
  void shouldFindEveryRegisteredKeySetWithCommonFirst() {
    assertThat(ConfigCatalog.keySets()).extracting(ConfigKeySet::service).startsWith("common").contains("stack");
  }

  @Test
  void shouldListTheEnvironmentNamesOfOurKeys() {
    assertThat(ConfigCatalog.envNames()).contains(
        "KAFKA_BOOTSTRAP_SERVERS", "NEUROSTREAM_SCHEMA_REGISTRY_URL", "NEUROSTREAM_METRICS_PORT",
        "NEUROSTREAM_STACK_KAFKA_PORT");
  }

  @Test
  void shouldKnowRealVariablesAndRejectMadeUpOnes() {
    assertThat(ConfigCatalog.isKnownEnvName("KAFKA_SECURITY_PROTOCOL")).isTrue();
    assertThat(ConfigCatalog.isKnownEnvName("KAFKA_SASL_JAAS_CONFIG")).isTrue();
    assertThat(ConfigCatalog.isKnownEnvName("NEUROSTREAM_LOG_LEVEL")).isTrue();
    assertThat(ConfigCatalog.isKnownEnvName("KAFKA_HEAP_OPTS")).isFalse();
    assertThat(ConfigCatalog.isKnownEnvName("KAFKA_SECURITY_PROTOCOLL")).isFalse();
    assertThat(ConfigCatalog.isKnownEnvName("NEUROSTREAM_SCHEMA_REGISTRY")).isFalse();
  }

  @Test
  void shouldRenderAReferenceRowPerKey() {
    assertThat(ConfigCatalog.markdown())
        .contains("### common")
        .contains("| `bootstrap.servers` | `KAFKA_BOOTSTRAP_SERVERS` | host:port, comma-separated | `localhost:9092` |")
        .contains("| `stack.kafka.port` | `NEUROSTREAM_STACK_KAFKA_PORT` | an integer in 0..65535 | `9092` |");
  }
}
