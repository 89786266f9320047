package io.neurostream.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ConfigurationTest {

  /** A service's key set, as the classifier engineer would write one. */
  static final class SampleKeys implements ConfigKeySet {
    static final ConfigKey<Integer> BATCH_MAX_SIZE =
        ConfigKey.of("batch.max.size", ValueType.intIn(1, 1024), 32, "Most scans per batch.");
    static final ConfigKey<Duration> BATCH_MAX_DELAY = ConfigKey.of("batch.max.delay.ms",
        ValueType.millis(Duration.ZERO, Duration.ofMinutes(10)), Duration.ofMillis(50), "Longest wait.");
    static final ConfigKey<Duration> MAX_POLL_INTERVAL = ConfigKey.of("max.poll.interval.ms",
        ValueType.millis(Duration.ofSeconds(1), Duration.ofHours(1)), Duration.ofMinutes(5), "Poll interval.");
    static final ConfigKey<String> GUARANTEE = ConfigKey.of("processing.guarantee",
        ValueType.oneOf("exactly_once_v2", "at_least_once"), "exactly_once_v2", "Guarantee.");
    static final ConfigKey<String> MODEL_VERSION =
        ConfigKey.optional("model.version", ValueType.string(), "Pin.");
    static final ConfigKey<Path> MODEL_BUNDLE =
        ConfigKey.required("model.bundle", ValueType.path(), "Bundle.");

    @Override
    public String service() {
      return "sample";
    }

    @Override
    public List<ConfigKey<?>> keys() {
      return List.of(BATCH_MAX_SIZE, BATCH_MAX_DELAY, MAX_POLL_INTERVAL, GUARANTEE, MODEL_VERSION, MODEL_BUNDLE);
    }

    @Override
    public List<String> check(Configuration c) {
      if (c.get(BATCH_MAX_DELAY).compareTo(c.get(MAX_POLL_INTERVAL)) >= 0) {
        return List.of(c.describe(BATCH_MAX_DELAY) + " exceeds " + c.describe(MAX_POLL_INTERVAL) + "; lower it");
      }
      return List.of();
    }
  }

  @TempDir Path dir;

  private static final Map<String, String> BUNDLE = Map.of("NEUROSTREAM_MODEL_BUNDLE", "/models/m1");

  @Test
  void shouldUseDefaultsWhenNothingIsSet() {
    Configuration c = load(ConfigSources.builder().optEnv(BUNDLE).build());

    assertThat(c.get(SampleKeys.BATCH_MAX_SIZE)).isEqualTo(32);
    assertThat(c.origin(SampleKeys.BATCH_MAX_SIZE)).isEqualTo(Origin.DEFAULT);
    assertThat(c.find(SampleKeys.MODEL_VERSION)).isEmpty();
    assertThat(c.get(CommonKeys.BOOTSTRAP_SERVERS)).isEqualTo("localhost:9092");
  }

  @Test
  void shouldLetFileOverrideDefaultEnvOverrideFileAndFlagOverrideEnv() throws Exception {
    // given the same key in every layer, and other keys in fewer
    Path file = write("batch.max.size=10\nbatch.max.delay.ms=20\nmax.poll.interval.ms=30s\n");
    ConfigSources sources = ConfigSources.builder()
        .optFile(file)
        .optEnv(Map.of("NEUROSTREAM_BATCH_MAX_SIZE", "11", "NEUROSTREAM_BATCH_MAX_DELAY_MS", "21",
            "NEUROSTREAM_MODEL_BUNDLE", "/b"))
        .optFlag("batch.max.size", 12, "--batch-max-size")
        .build();

    // when
    Configuration c = load(sources);

    // then each key comes from its highest layer
    assertThat(c.get(SampleKeys.BATCH_MAX_SIZE)).isEqualTo(12);
    assertThat(c.origin(SampleKeys.BATCH_MAX_SIZE)).hasToString("flag --batch-max-size");
    assertThat(c.get(SampleKeys.BATCH_MAX_DELAY)).isEqualTo(Duration.ofMillis(21));
    assertThat(c.origin(SampleKeys.BATCH_MAX_DELAY)).hasToString("env NEUROSTREAM_BATCH_MAX_DELAY_MS");
    assertThat(c.get(SampleKeys.MAX_POLL_INTERVAL)).isEqualTo(Duration.ofSeconds(30));
    assertThat(c.origin(SampleKeys.MAX_POLL_INTERVAL)).hasToString("file " + file);
    assertThat(c.get(SampleKeys.GUARANTEE)).isEqualTo("exactly_once_v2");
  }

  @Test
  void shouldNameKeyValueOriginAndFixOfABadValue() {
    ConfigSources sources = ConfigSources.builder()
        .optEnv(Map.of("NEUROSTREAM_BATCH_MAX_SIZE", "abc", "NEUROSTREAM_MODEL_BUNDLE", "/b")).build();

    assertThatThrownBy(() -> load(sources))
        .isInstanceOf(ConfigException.class)
        .hasMessage("Invalid configuration: batch.max.size=abc from env NEUROSTREAM_BATCH_MAX_SIZE is not an "
            + "integer; set an integer in 1..1024 (default 32)");
  }

  @Test
  void shouldReportAnOutOfRangeFlagAndABadEnumTogether() {
    ConfigSources sources = ConfigSources.builder().optEnv(BUNDLE)
        .optFlag("batch.max.size", 5000, "--batch-max-size")
        .optOverrides(Map.of("processing.guarantee", "exactly_once"))
        .build();

    assertThatThrownBy(() -> load(sources))
        .isInstanceOfSatisfying(ConfigException.class, e -> assertThat(e.problems()).containsExactly(
            "batch.max.size=5000 from flag --batch-max-size is outside 1..1024; set an integer in 1..1024 (default 32)",
            "processing.guarantee=exactly_once from flag --set processing.guarantee is not one of exactly_once_v2, "
                + "at_least_once; set one of exactly_once_v2, at_least_once (default exactly_once_v2)"));
  }

  @Test
  void shouldSayHowToSetAMissingRequiredKey() {
    ConfigSources sources = ConfigSources.builder().optEnv(Map.of())
        .optFlag("model.bundle", null, "--model").build();

    assertThatThrownBy(() -> load(sources)).hasMessage("Invalid configuration: model.bundle is not set; "
        + "pass --model, set NEUROSTREAM_MODEL_BUNDLE, or put model.bundle=... in the --config file (a path)");
  }

  @Test
  void shouldRunCrossKeyRulesWithOrigins() {
    ConfigSources sources = ConfigSources.builder()
        .optEnv(Map.of("NEUROSTREAM_BATCH_MAX_DELAY_MS", "600000", "NEUROSTREAM_MODEL_BUNDLE", "/b"))
        .optFlag("max.poll.interval.ms", "300000", "--max-poll-interval-ms")
        .build();

    assertThatThrownBy(() -> load(sources)).hasMessage("Invalid configuration: batch.max.delay.ms=600000 "
        + "(env NEUROSTREAM_BATCH_MAX_DELAY_MS) exceeds max.poll.interval.ms=300000 (flag --max-poll-interval-ms); "
        + "lower it");
  }

  @Test
  void shouldPassKafkaVariablesThroughAsClientPropertiesButNotScriptVariables() {
    ConfigSources sources = ConfigSources.builder().optEnv(Map.of(
        "NEUROSTREAM_MODEL_BUNDLE", "/b",
        "KAFKA_BOOTSTRAP_SERVERS", "broker-1:9093,broker-2:9093",
        "KAFKA_SECURITY_PROTOCOL", "SASL_SSL",
        "KAFKA_SASL_JAAS_CONFIG", "org.apache.kafka.common.security.plain.PlainLoginModule required;",
        "KAFKA_PRODUCER_MAX_REQUEST_SIZE", "9000000",
        "KAFKA_HEAP_OPTS", "-Xmx1g")).build();

    Configuration c = load(sources);

    assertThat(c.get(CommonKeys.BOOTSTRAP_SERVERS)).isEqualTo("broker-1:9093,broker-2:9093");
    assertThat(c.kafkaClientProperties()).containsOnly(
        Map.entry("security.protocol", "SASL_SSL"),
        Map.entry("sasl.jaas.config", "org.apache.kafka.common.security.plain.PlainLoginModule required;"),
        Map.entry("producer.max.request.size", "9000000"));
    assertThat(CommonConfig.from(c).kafkaProperties())
        .containsEntry("bootstrap.servers", "broker-1:9093,broker-2:9093")
        .containsEntry("security.protocol", "SASL_SSL");
    assertThat(String.join("\n", c.summary())).contains("kafka sasl.jaas.config=******").doesNotContain("PlainLoginModule");
  }

  @Test
  void headlineShouldBeOneLineNamingOnlyWhatWasSetAndWhere() {
    Configuration c = load(ConfigSources.builder().optEnv(Map.of(
        "NEUROSTREAM_MODEL_BUNDLE", "/models/m1",
        "KAFKA_SASL_JAAS_CONFIG", "org.apache.kafka.common.security.plain.PlainLoginModule required;"))
        .optFlag("batch.max.size", "8", "--batch").build());

    String headline = c.headline();

    assertThat(headline).doesNotContain("\n")
        .startsWith(c.summary().size() - 1 + " keys, " + (c.summary().size() - 1 - 2) + " at their defaults")
        .contains("batch.max.size=8 (flag --batch)", "model.bundle=/models/m1 (env NEUROSTREAM_MODEL_BUNDLE)",
            "sasl.jaas.config=******")
        .doesNotContain("bootstrap.servers", "PlainLoginModule");
  }

  @Test
  void shouldAcceptKafkaPropertiesInTheFileAndRejectTyposWithASuggestion() throws Exception {
    Path ok = write("security.protocol=SSL\nkafka.my.plugin.option=x\nbatch.max.size=8\n");
    Configuration c = load(ConfigSources.builder().optFile(ok).optEnv(BUNDLE).build());
    assertThat(c.kafkaClientProperties()).containsEntry("security.protocol", "SSL").containsEntry("my.plugin.option", "x");

    Path typo = write("batch.max.sise=8\n");
    assertThatThrownBy(() -> load(ConfigSources.builder().optFile(typo).optEnv(BUNDLE).build()))
        .hasMessageContaining("unknown key 'batch.max.sise' in file " + typo)
        .hasMessageContaining("did you mean batch.max.size?");
  }

  @Test
  void shouldTolerateKeysOfOtherServicesInASharedFile() throws Exception {
    // the stack's keys, which this sample service does not load, stay out of the Kafka properties
    Path shared = write("stack.kafka.port=9999\nstack.host=0.0.0.0\n");
    Configuration c = load(ConfigSources.builder().optFile(shared).optEnv(BUNDLE).build());
    assertThat(c.kafkaClientProperties()).isEmpty();
  }

  @Test
  void shouldNotPassAnotherServicesKeyToKafkaEvenIfKafkaKnowsTheName() throws Exception {
    // bootstrap.servers is a common key, which the stack does not load
    Path shared = write("bootstrap.servers=broker:9092\nstack.kafka.port=9999\n");
    Configuration c = Configuration.load(ConfigSources.builder().optFile(shared).optEnv(Map.of()).build(), new StackKeys());
    assertThat(c.kafkaClientProperties()).isEmpty();
    assertThat(c.get(StackKeys.KAFKA_PORT)).isEqualTo(9999);
  }

  @Test
  void shouldTreatEmptyValuesAsNotSet() throws Exception {
    Path file = write("batch.max.size=7\n");
    ConfigSources sources = ConfigSources.builder().optFile(file)
        .optEnv(Map.of("NEUROSTREAM_BATCH_MAX_SIZE", "  ", "NEUROSTREAM_MODEL_BUNDLE", "/b")).build();
    assertThat(load(sources).get(SampleKeys.BATCH_MAX_SIZE)).isEqualTo(7);
  }

  @Test
  void shouldNameAMissingConfigFile() {
    Path missing = dir.resolve("nope.properties");
    assertThatThrownBy(() -> load(ConfigSources.builder().optFile(missing).optEnv(BUNDLE).build()))
        .hasMessage("Invalid configuration: config file " + missing + " does not exist; check the --config path");
  }

  @Test
  void shouldMaskSecretsInErrorMessages() {
    ConfigSources sources = ConfigSources.builder().optEnv(Map.of(
        "NEUROSTREAM_MODEL_BUNDLE", "/b", "NEUROSTREAM_BASIC_AUTH_CREDENTIALS_SOURCE", "USER_INFO")).build();
    assertThatThrownBy(() -> load(sources)).hasMessageContaining(
        "basic.auth.credentials.source=USER_INFO (env NEUROSTREAM_BASIC_AUTH_CREDENTIALS_SOURCE) needs basic.auth.user.info");

    ConfigSources withSecret = ConfigSources.builder().optEnv(Map.of("NEUROSTREAM_MODEL_BUNDLE", "/b",
        "NEUROSTREAM_BASIC_AUTH_CREDENTIALS_SOURCE", "USER_INFO", "NEUROSTREAM_BASIC_AUTH_USER_INFO", "u:hunter2")).build();
    Configuration c = load(withSecret);
    assertThat(CommonConfig.from(c).serdeConfig()).containsEntry("basic.auth.user.info", "u:hunter2");
    assertThat(c.describe(CommonKeys.BASIC_AUTH_USER_INFO)).doesNotContain("hunter2");
    assertThat(CommonConfig.from(c).toString()).doesNotContain("hunter2");
  }

  @Test
  void shouldParseTheTypedValues() {
    assertThat(ValueType.millis(Duration.ZERO, Duration.ofDays(1)).parse("2s")).isEqualTo(Duration.ofSeconds(2));
    assertThat(ValueType.millis(Duration.ZERO, Duration.ofDays(1)).parse("PT1M")).isEqualTo(Duration.ofMinutes(1));
    assertThat(ValueType.httpUrls().parse("http://a:8081, https://b")).hasSize(2);
    assertThatThrownBy(() -> ValueType.httpUrls().parse("ftp://a")).hasMessageContaining("not an http(s)");
    assertThatThrownBy(() -> ValueType.hostPorts().parse("broker")).hasMessage("has 'broker', which is not host:port");
    assertThat(ValueType.bool().parse("TRUE")).isTrue();
    assertThatThrownBy(() -> ValueType.existingPath().parse(dir.resolve("x").toString())).hasMessage("does not exist");
  }

  @Test
  void shouldRefuseToReadAKeyThatWasNotLoaded() {
    Configuration c = Configuration.load(ConfigSources.builder().optEnv(Map.of()).build(), new StackKeys());
    assertThatThrownBy(() -> c.get(CommonKeys.BOOTSTRAP_SERVERS)).hasMessageContaining("was not loaded");
  }

  private Configuration load(ConfigSources sources) {
    return Configuration.load(sources, new CommonKeys(), new SampleKeys());
  }

  private Path write(String content) throws Exception {
    Path file = Files.createTempFile(dir, "app", ".properties");
    Files.writeString(file, content);
    return file;
  }
}
