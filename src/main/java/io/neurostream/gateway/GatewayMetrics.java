package io.neurostream.gateway;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.util.concurrent.TimeUnit;

/**
 * The gateway's meters. In Prometheus form: {@code neurostream_gateway_requests_seconds{status}}
 * (count and time of STOW-RS requests by HTTP status),
 * {@code neurostream_gateway_scans_published_total} (scans Kafka acknowledged) and
 * {@code neurostream_gateway_instances_failed_total{reason}}.
 */
final class GatewayMetrics {

  private final MeterRegistry registry;
  private final Counter published;

  GatewayMetrics(MeterRegistry registry) {
    this.registry = registry;
    this.published = Counter.builder("neurostream.gateway.scans.published")
        .description("Scans (frames) Kafka acknowledged").register(registry);
  }

  void request(int status, long nanos) {
    Timer.builder("neurostream.gateway.requests")
        .description("STOW-RS requests by HTTP status")
        .tag("status", Integer.toString(status))
        .register(registry).record(nanos, TimeUnit.NANOSECONDS);
  }

  void published(int scans) {
    published.increment(scans);
  }

  void failed(FailureReason reason) {
    Counter.builder("neurostream.gateway.instances.failed")
        .description("Instances answered in FailedSOPSequence, by reason")
        .tag("reason", String.format("0x%04X", reason.code()))
        .register(registry).increment();
  }
}
