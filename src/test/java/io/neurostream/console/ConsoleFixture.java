package io.neurostream.console;

import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.neurostream.config.CommonKeys;
import io.neurostream.config.ConfigSources;
import io.neurostream.config.Configuration;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;

/** Starts a console on an ephemeral port against a test stack, and calls its API. */
final class ConsoleFixture {

  private static final HttpClient HTTP = HttpClient.newBuilder()
      .connectTimeout(Duration.ofSeconds(5)).build();

  private ConsoleFixture() {}

  /** A console on a free port; {@code token} null leaves the admin actions disabled. */
  static ConsoleService start(String bootstrap, String registryUrl, String token) {
    Map<String, String> s = new HashMap<>();
    s.put("bootstrap.servers", bootstrap);
    s.put("schema.registry.url", registryUrl);
    s.put("console.port", "0");
    if (token != null) {
      s.put("console.admin.token", token);
    }
    Configuration c = Configuration.load(ConfigSources.builder().optEnv(Map.of()).optOverrides(s)
        .build(), new CommonKeys(), new ConsoleKeys());
    return ConsoleService.start(ConsoleConfig.from(c),
        new PrometheusMeterRegistry(PrometheusConfig.DEFAULT));
  }

  static HttpResponse<String> get(ConsoleService console, String path)
      throws IOException, InterruptedException {
    return HTTP.send(HttpRequest.newBuilder(URI.create(console.url() + path.substring(1)))
        .timeout(Duration.ofSeconds(30)).GET().build(), HttpResponse.BodyHandlers.ofString());
  }

  static HttpResponse<byte[]> getBytes(ConsoleService console, String path)
      throws IOException, InterruptedException {
    return HTTP.send(HttpRequest.newBuilder(URI.create(console.url() + path.substring(1)))
        .timeout(Duration.ofSeconds(30)).GET().build(), HttpResponse.BodyHandlers.ofByteArray());
  }

  static HttpResponse<String> post(ConsoleService console, String path, String json,
      String authorization) throws IOException, InterruptedException {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(console.url() + path.substring(1)))
        .timeout(Duration.ofSeconds(60))
        .header("Content-Type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofString(json));
    if (authorization != null) {
      b.header("Authorization", authorization);
    }
    return HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString());
  }
}
