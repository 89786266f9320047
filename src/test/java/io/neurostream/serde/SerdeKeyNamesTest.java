package io.neurostream.serde;

import static org.assertj.core.api.Assertions.assertThat;

import io.neurostream.config.CommonKeys;
import io.neurostream.config.ConfigKey;
import java.lang.reflect.Modifier;
import java.util.Arrays;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * The configuration layer names the serdes' options without importing the serde package; this
 * keeps those names and the ones {@link SchemaRegistryConfig} reads the same.
 */
class SerdeKeyNamesTest {

  @Test
  void everySerdeOptionOfTheConfigurationIsOneTheSerdesRead() throws Exception {
    Set<String> serdeNames = Arrays.stream(SchemaRegistryConfig.class.getFields())
        .filter(f -> Modifier.isStatic(f.getModifiers()) && f.getType() == String.class)
        .map(f -> {
          try {
            return (String) f.get(null);
          } catch (IllegalAccessException e) {
            throw new AssertionError(e);
          }
        })
        .collect(Collectors.toSet());

    Set<String> configured = CommonKeys.SERDE_OPTIONS.stream().map(ConfigKey::name)
        .collect(Collectors.toSet());

    assertThat(serdeNames).containsAll(configured);
  }
}
