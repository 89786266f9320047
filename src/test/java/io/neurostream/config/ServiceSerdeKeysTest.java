package io.neurostream.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.neurostream.classifier.ClassifierConfig;
import io.neurostream.classifier.ClassifierKeys;
import io.neurostream.serde.SchemaRegistryConfig;
import io.neurostream.trainer.TrainerConfig;
import io.neurostream.trainer.TrainerKeys;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The services accept every property the serdes understand and hand it to their serdes. */
class ServiceSerdeKeysTest {

  private static final String SERDE_FILE = String.join("\n",
      "schema.registry.url=https://registry.example.org:8081",
      "auto.register.schemas=false",
      "use.latest.version=true",
      "latest.compatibility.strict=false",
      "basic.auth.credentials.source=USER_INFO",
      "schema.registry.basic.auth.user.info=svc:secret",
      "schema.registry.ssl.truststore.location=/etc/registry/ca.p12",
      "schema.registry.ssl.truststore.type=PKCS12",
      "max.retries=5",
      "http.read.timeout.ms=4000",
      "");

  @TempDir Path dir;

  @Test
  void shouldPassSerdeKeysFromTheClassifiersConfigFileToItsSerdes() throws Exception {
    // given a classifier --config file with serde-only keys
    Path file = write(SERDE_FILE);

    // when the classifier loads it
    Map<String, Object> serde = ClassifierConfig.from(Configuration.load(sources(file),
        new CommonKeys(), new ClassifierKeys())).common().serdeConfig();

    // then its serdes read them as the serde documents them
    assertSerdeSettings(serde);
  }

  @Test
  void shouldPassSerdeKeysFromTheTrainersConfigFileToItsSerdes() throws Exception {
    Path file = write(SERDE_FILE);

    Map<String, Object> serde = TrainerConfig.from(Configuration.load(sources(file),
        new CommonKeys(), new TrainerKeys())).common().serdeConfig();

    assertSerdeSettings(serde);
  }

  @Test
  void shouldLeaveTheSerdeDefaultsWhenNoSerdeKeyIsSet() {
    Map<String, Object> serde = CommonConfig.from(Configuration.load(
        ConfigSources.builder().optEnv(Map.of()).build(), new CommonKeys())).serdeConfig();

    assertThat(serde).containsOnlyKeys("schema.registry.url", "auto.register.schemas");
  }

  @Test
  void shouldRejectAMistypedSerdeValueNamingTheKey() throws Exception {
    Path file = write("use.latest.version=maybe\n");

    assertThatThrownBy(() -> Configuration.load(sources(file), new CommonKeys(), new ClassifierKeys()))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("use.latest.version=maybe");
  }

  @Test
  void shouldDeclareEveryPropertyTheSerdeUnderstands() throws Exception {
    // given the property names SchemaRegistryConfig reads
    List<String> serdeNames = new ArrayList<>();
    for (Field f : SchemaRegistryConfig.class.getFields()) {
      if (Modifier.isStatic(f.getModifiers()) && f.getType() == String.class) {
        serdeNames.add((String) f.get(null));
      }
    }

    // then each is a common key, so no service refuses it as unknown
    assertThat(serdeNames).isNotEmpty();
    assertThat(new CommonKeys().keys()).extracting(ConfigKey::name).containsAll(serdeNames);
  }

  private static void assertSerdeSettings(Map<String, Object> serde) {
    SchemaRegistryConfig settings = SchemaRegistryConfig.from(serde);
    assertThat(settings.autoRegisterSchemas()).isFalse();
    assertThat(settings.useLatestVersion()).isTrue();
    assertThat(settings.latestCompatibilityStrict()).isFalse();
    assertThat(settings.userInfo()).contains("svc:secret");
    assertThat(settings.tls()).hasValueSatisfying(tls -> {
      assertThat(tls.truststoreLocation()).contains("/etc/registry/ca.p12");
      assertThat(tls.truststoreType()).isEqualTo("PKCS12");
    });
    assertThat(settings.maxRetries()).isEqualTo(5);
    assertThat(settings.requestTimeout()).isEqualTo(Duration.ofMillis(4000));
  }

  private static ConfigSources sources(Path file) {
    return ConfigSources.builder().optFile(file).optEnv(Map.of()).build();
  }

  private Path write(String content) throws Exception {
    Path file = dir.resolve("service.properties");
    Files.writeString(file, content);
    return file;
  }
}
