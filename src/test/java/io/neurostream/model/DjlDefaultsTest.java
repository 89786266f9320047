package io.neurostream.model;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class DjlDefaultsTest {

  @Test
  void shouldRunOfflineAndSelectTheThreadSafeMxnetEngineForNativeCode() {
    // when
    DjlDefaults.apply();

    // then: whatever the JVM was started with, the native side now sees an engine type
    assertThat(System.getProperty("ai.djl.offline")).isNotNull();
    String expected = System.getenv(DjlDefaults.ENGINE_TYPE) != null
        ? System.getenv(DjlDefaults.ENGINE_TYPE) : DjlDefaults.SAFE_ENGINE_TYPE;
    assertThat(DjlDefaults.processEnv(DjlDefaults.ENGINE_TYPE)).isEqualTo(expected);
  }

  @Test
  void shouldLetIdleOpenMpWorkersSleepUnlessTheOperatorChoseOtherwise() {
    // when
    DjlDefaults.apply();

    // then
    String expected = System.getenv(DjlDefaults.WAIT_POLICY) != null
        ? System.getenv(DjlDefaults.WAIT_POLICY) : DjlDefaults.PASSIVE;
    assertThat(DjlDefaults.processEnv(DjlDefaults.WAIT_POLICY)).isEqualTo(expected);
  }
}
