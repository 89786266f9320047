package io.neurostream.console;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.neurostream.classifier.ClassifierConfig;
import io.neurostream.classifier.ClassifierKeys;
import io.neurostream.classifier.ClassifierService;
import io.neurostream.platform.KafkaStack;
import io.neurostream.classifier.ScanTraffic;
import io.neurostream.classifier.TinyBundles;
import io.neurostream.config.CommonKeys;
import io.neurostream.config.ConfigKeySet;
import io.neurostream.config.ConfigSources;
import io.neurostream.config.Configuration;
import io.neurostream.trainer.TrainerConfig;
import io.neurostream.trainer.TrainerKeys;
import io.neurostream.trainer.TrainerService;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Monitoring as code holds against the running services: every metric the alert rules and the
 * Grafana dashboard in {@code k8s/components/monitoring} use is exported by a live classifier,
 * trainer or console (read from their /metrics, registries bound as the service commands bind
 * them), and the ops routes they serve are the ones /openapi.json documents for them.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@Timeout(value = 5, unit = TimeUnit.MINUTES)
class MonitoringMetricsIT {

  static final Path COMPONENT = Path.of("k8s", "components", "monitoring");
  /** Our metric names inside PromQL: every metric the services export has one of these prefixes. */
  static final Pattern METRIC = Pattern.compile("\\b((?:neurostream|jvm)_[a-z0-9_]+)\\b");
  private static final HttpClient HTTP = HttpClient.newHttpClient();

  private KafkaStack stack;
  private ClassifierService classifier;
  private TrainerService trainer;
  private ConsoleService console;

  @BeforeAll
  void start(@TempDir Path dir) throws Exception {
    stack = KafkaStack.withRegistry().start();
    String registry = stack.registryUrl();
    Path bundle = TinyBundles.write(dir.resolve("bundles").resolve("mon-1.bundle"), "mon-1");
    Map<String, String> common = new HashMap<>();
    common.put("bootstrap.servers", stack.bootstrap());
    common.put("schema.registry.url", registry);
    common.put("metrics.port", "0");

    Map<String, String> c = new HashMap<>(common);
    c.put("application.id", "monitoring-it");
    c.put("model.bundle", bundle.toString());
    c.put("model.device", "cpu");
    c.put("state.dir", dir.resolve("classifier").toString());
    classifier = ClassifierService.start(ClassifierConfig.from(load(c, new ClassifierKeys())),
        serviceRegistry());

    Map<String, String> t = new HashMap<>(common);
    t.put("state.dir", dir.resolve("trainer").toString());
    trainer = TrainerService.start(TrainerConfig.from(load(t, new TrainerKeys())),
        serviceRegistry());
    console = ConsoleFixture.start(stack.bootstrap(), registry, null);

    // a scan and a poisoned record, so the per-reason dead-letter counter exists too
    try (ScanTraffic traffic = new ScanTraffic(stack)) {
      traffic.send(traffic.scan("monitoring-scan-1"));
      traffic.send("monitoring-poison", "not avro".getBytes(StandardCharsets.UTF_8));
      traffic.flush();
    }
    await().atMost(Duration.ofMinutes(2)).until(() ->
        metrics(classifier.metricsPort()).contains("neurostream_dead_letters_total{"));
  }

  /** A registry with the JVM meters, as ServiceRunner gives every service command. */
  private static PrometheusMeterRegistry serviceRegistry() {
    PrometheusMeterRegistry r = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    new JvmMemoryMetrics().bindTo(r);
    new JvmGcMetrics().bindTo(r);
    return r;
  }

  private static Configuration load(Map<String, String> overrides, ConfigKeySet keys) {
    return Configuration.load(ConfigSources.builder().optEnv(Map.of()).optOverrides(overrides)
        .build(), new CommonKeys(), keys);
  }

  @AfterAll
  void stop() {
    for (AutoCloseable a : new AutoCloseable[] {console, trainer, classifier, stack}) {
      try {
        if (a != null) {
          a.close();
        }
      } catch (Exception e) {
        System.err.println("closing: " + e);
      }
    }
  }

  @Test
  void shouldUseOnlyMetricsTheLiveServicesExport() throws Exception {
    // given what the rules and the dashboard query
    Set<String> used = new TreeSet<>();
    JsonNode rules = new ObjectMapper(new YAMLFactory())
        .readTree(COMPONENT.resolve("prometheus-rules.yaml").toFile());
    assertThat(rules.path("kind").asText()).isEqualTo("PrometheusRule");
    int alerts = 0;
    for (JsonNode group : rules.path("spec").path("groups")) {
      for (JsonNode rule : group.path("rules")) {
        used.addAll(metricsIn(rule.path("expr").asText()));
        alerts++;
      }
    }
    JsonNode dashboard = new ObjectMapper()
        .readTree(COMPONENT.resolve("neurostream-dashboard.json").toFile());
    int panels = 0;
    for (JsonNode panel : dashboard.path("panels")) {
      for (JsonNode target : panel.path("targets")) {
        used.addAll(metricsIn(target.path("expr").asText()));
      }
      panels++;
    }
    assertThat(alerts).as("alert rules").isGreaterThanOrEqualTo(6);
    assertThat(panels).as("dashboard panels").isGreaterThanOrEqualTo(10);

    // when the live services are scraped
    Set<String> exported = new TreeSet<>();
    exported.addAll(names(metrics(classifier.metricsPort())));
    exported.addAll(names(metrics(trainer.opsPort())));
    exported.addAll(names(metrics(console.port())));

    // then every metric used is exported by one of them
    System.err.println("metrics used by the rules and the dashboard: " + used);
    assertThat(used).as("metrics used but exported by no live service (exported: %s)", exported)
        .isSubsetOf(exported);
    assertThat(used).contains("neurostream_consumer_lag_max", "neurostream_dead_letters_total",
        "neurostream_model_info", "neurostream_releases_refused_total",
        "neurostream_trainer_rounds_total", "neurostream_ready");
  }

  @Test
  void shouldDocumentTheOpsRoutesOfClassifierAndTrainer() throws Exception {
    JsonNode openapi = new ObjectMapper().readTree(
        ConsoleFixture.get(console, "/openapi.json").body());
    assertThat(paths(OpenApiRoutes.of(openapi, "classifier")))
        .containsExactlyInAnyOrderElementsOf(classifier.opsRoutes());
    assertThat(paths(OpenApiRoutes.of(openapi, "trainer")))
        .containsExactlyInAnyOrderElementsOf(trainer.opsRoutes());
  }

  @Test
  void shouldDeclareEveryFileOfTheComponent() throws Exception {
    String kustomization = Files.readString(COMPONENT.resolve("kustomization.yaml"));
    try (var files = Files.list(COMPONENT)) {
      files.map(f -> f.getFileName().toString())
          .filter(f -> !f.equals("kustomization.yaml"))
          .forEach(f -> assertThat(kustomization).as("kustomization lists " + f).contains(f));
    }
  }

  private static Set<String> paths(Set<String> routes) {
    return routes.stream().map(r -> r.substring(r.indexOf(' ') + 1)).collect(Collectors.toSet());
  }

  static Set<String> metricsIn(String promql) {
    Set<String> out = new TreeSet<>();
    Matcher m = METRIC.matcher(promql);
    while (m.find()) {
      out.add(m.group(1));
    }
    return out;
  }

  static Set<String> names(String exposition) {
    return exposition.lines().filter(l -> !l.startsWith("#") && !l.isBlank())
        .map(l -> l.split("[{ ]", 2)[0]).collect(Collectors.toCollection(TreeSet::new));
  }

  private static String metrics(int port) throws Exception {
    return HTTP.send(HttpRequest.newBuilder(URI.create("http://localhost:" + port + "/metrics"))
        .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString()).body();
  }
}
