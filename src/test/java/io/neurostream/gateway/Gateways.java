package io.neurostream.gateway;

import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.neurostream.config.CommonKeys;
import io.neurostream.config.ConfigSources;
import io.neurostream.config.Configuration;
import io.neurostream.platform.KafkaStack;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

/** Starts gateways in this JVM against a test stack. */
public final class Gateways {

  public static final String SALT = "gateway-test-salt";

  private Gateways() {}

  /** The configuration of a gateway on ephemeral ports, with {@code overrides} on top. */
  public static GatewayConfig config(KafkaStack stack, Path stateDir, Map<String, String> overrides) {
    Map<String, String> s = new HashMap<>(stack.settings(stateDir));
    s.put("gateway.port", "0");
    s.put("patient.key.salt", SALT);
    s.putAll(overrides);
    Configuration c = Configuration.load(ConfigSources.builder().optEnv(Map.of())
        .optOverrides(s).build(), new CommonKeys(), new GatewayKeys());
    return GatewayConfig.from(c);
  }

  public static GatewayService start(KafkaStack stack, Path stateDir, Map<String, String> overrides) {
    return GatewayService.start(config(stack, stateDir, overrides),
        new PrometheusMeterRegistry(PrometheusConfig.DEFAULT));
  }
}
