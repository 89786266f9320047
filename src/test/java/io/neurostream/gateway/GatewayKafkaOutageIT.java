package io.neurostream.gateway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.neurostream.config.CommonKeys;
import io.neurostream.config.ConfigSources;
import io.neurostream.config.Configuration;
import io.neurostream.imaging.TransferSyntax;
import io.neurostream.kafka.TopicProvisioner;
import io.neurostream.kafka.Topics;
import io.neurostream.platform.EmbeddedKafka;
import io.neurostream.platform.registry.EmbeddedSchemaRegistry;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Kafka down for 30 s during a STOW-RS stream: every request in the outage fails with 503,
 * Retry-After and Failure Reason 0xA700 for each instance, /ready says why, nothing is reported
 * stored that Kafka did not take, and the gateway stores again within 10 s of Kafka's return
 * without a restart.
 */
@Timeout(value = 6, unit = TimeUnit.MINUTES)
class GatewayKafkaOutageIT {

  @TempDir Path dir;

  @Test
  void shouldRefuseRetryablyWhileKafkaIsDownAndRecoverByItself() throws Exception {
    long seed = Long.getLong("neurostream.test.seed", System.nanoTime());
    System.out.println("GatewayKafkaOutageIT seed=" + seed);
    EmbeddedKafka kafka = EmbeddedKafka.start(dir.resolve("kafka"), 0);
    int port = Integer.parseInt(kafka.bootstrapServers().replaceAll(".*:", ""));
    try (Admin admin = Admin.create(Map.of("bootstrap.servers", kafka.bootstrapServers()))) {
      new TopicProvisioner(admin, Duration.ofSeconds(60))
          .provision(Topics.all(), TopicProvisioner.Mode.CREATE);
    }
    EmbeddedSchemaRegistry registry = EmbeddedSchemaRegistry.start(0, kafka.bootstrapServers());
    Configuration c = Configuration.load(ConfigSources.builder().optEnv(Map.of())
        .optOverrides(Map.of("bootstrap.servers", kafka.bootstrapServers(),
            "schema.registry.url", registry.url(), "gateway.port", "0", "metrics.port", "0",
            "patient.key.salt", Gateways.SALT, "gateway.ack.timeout", "5s"))
        .build(), new CommonKeys(), new GatewayKeys());
    TestInstances series = new TestInstances("outage-" + seed, seed);
    Set<String> stored = new HashSet<>();
    int next = 0;
    try (GatewayService gateway = GatewayService.start(GatewayConfig.from(c),
        new PrometheusMeterRegistry(PrometheusConfig.DEFAULT))) {
      StowClient client = new StowClient(gateway.port(), null);
      // given a gateway that stores
      StowClient.Answer first = client.store(List.of(
          series.instance(next++, 100, 32, TransferSyntax.EXPLICIT_VR_LITTLE_ENDIAN)));
      assertThat(first.status()).isEqualTo(200);
      stored.addAll(first.stored());

      // when Kafka is down for 30 s while a client keeps sending
      kafka.close();
      long downUntil = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
      List<StowClient.Answer> during = new ArrayList<>();
      boolean readySaidDown = false;
      while (System.nanoTime() < downUntil) {
        StowClient.Answer a = client.store(List.of(
            series.instance(next++, 100, 32, TransferSyntax.EXPLICIT_VR_LITTLE_ENDIAN),
            series.instance(next++, 100, 32, TransferSyntax.RLE_LOSSLESS)));
        during.add(a);
        stored.addAll(a.stored());
        readySaidDown |= ready(gateway.metricsPort()) == 503;
      }

      // then every request in the outage was refused retryably, instance by instance
      assertThat(during).isNotEmpty().allSatisfy(a -> {
        assertThat(a.status()).as(a.text()).isEqualTo(503);
        assertThat(a.stored()).isEmpty();
        assertThat(a.reasons()).hasSize(2).containsOnly(0xA700);
      });
      assertThat(readySaidDown).as("/ready answered 503 during the outage").isTrue();

      // when Kafka comes back on its port, the gateway stores again within 10 s by itself
      long back = System.nanoTime();
      kafka = EmbeddedKafka.start(dir.resolve("kafka"), port);
      int[] counter = {next};
      await("the gateway stores again").atMost(Duration.ofSeconds(10))
          .pollInterval(Duration.ofMillis(200)).until(() -> {
            StowClient.Answer a = client.store(List.of(series.instance(counter[0]++, 100, 32,
                TransferSyntax.EXPLICIT_VR_LITTLE_ENDIAN)));
            stored.addAll(a.stored());
            return a.status() == 200;
          });
      System.out.printf("GatewayKafkaOutageIT: %d requests refused with 503/0xA700 in the "
              + "outage; storing again %.1f s after Kafka's return%n", during.size(),
          (System.nanoTime() - back) / 1e9);
      await("/ready recovers").atMost(Duration.ofSeconds(10))
          .until(() -> ready(gateway.metricsPort()) == 200);
      // and nothing was reported stored that is not in mri.scans
      Set<String> written = new HashSet<>();
      TopicRecords.all(Map.of("bootstrap.servers", kafka.bootstrapServers()),
          Map.of("schema.registry.url", registry.url()), Topics.SCANS)
          .forEach(r -> written.add(r.key()));
      assertThat(stored).isNotEmpty();
      assertThat(written).containsAll(stored);
    } finally {
      registry.close();
      kafka.close();
    }
  }

  static int ready(int metricsPort) throws Exception {
    return HttpClient.newHttpClient().send(HttpRequest.newBuilder(
            URI.create("http://127.0.0.1:" + metricsPort + "/ready")).build(),
        HttpResponse.BodyHandlers.discarding()).statusCode();
  }
}
