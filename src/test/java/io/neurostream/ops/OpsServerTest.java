package io.neurostream.ops;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.Counter;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;

class OpsServerTest {

  private final HttpClient http = HttpClient.newHttpClient();

  private HttpResponse<String> get(OpsServer ops, String path) throws Exception {
    return http.send(HttpRequest.newBuilder(URI.create("http://localhost:" + ops.port() + path))
        .build(), HttpResponse.BodyHandlers.ofString());
  }

  @Test
  void shouldServePrometheusMetricsAndReadinessThatFollowsTheService() throws Exception {
    PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    Counter.builder("neurostream.scans.in").register(registry).increment(3);
    AtomicBoolean ready = new AtomicBoolean(false);
    try (OpsServer ops = OpsServer.start(0, registry, HealthCheck.alwaysUp(),
        () -> ready.get() ? HealthCheck.Status.up("RUNNING") : HealthCheck.Status.down("no model"))) {
      assertThat(get(ops, "/metrics").body()).contains("neurostream_scans_in_total 3.0");
      assertThat(get(ops, "/live").statusCode()).isEqualTo(200);
      HttpResponse<String> notReady = get(ops, "/ready");
      assertThat(notReady.statusCode()).isEqualTo(503);
      assertThat(notReady.body()).contains("no model");
      ready.set(true);
      assertThat(get(ops, "/ready").statusCode()).isEqualTo(200);
    }
  }
}
