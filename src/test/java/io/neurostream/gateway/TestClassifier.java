package io.neurostream.gateway;

import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.neurostream.classifier.ClassifierConfig;
import io.neurostream.classifier.ClassifierKeys;
import io.neurostream.classifier.ClassifierService;
import io.neurostream.classifier.TinyBundles;
import io.neurostream.config.CommonKeys;
import io.neurostream.config.ConfigSources;
import io.neurostream.config.Configuration;
import io.neurostream.platform.KafkaStack;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

/** The real classifier (a tiny ResNet bundle) in this JVM, downstream of the gateway. */
final class TestClassifier {

  static final String APP = "gateway-it-classifier";

  private TestClassifier() {}

  static ClassifierService start(KafkaStack stack, Path dir) throws Exception {
    Path bundle = TinyBundles.write(dir.resolve("tiny.bundle"), "tiny-gateway-it");
    Map<String, String> s = new HashMap<>(stack.settings(dir.resolve("classifier-state")));
    s.put("application.id", APP);
    s.put("model.bundle", bundle.toString());
    Configuration c = Configuration.load(ConfigSources.builder().optEnv(Map.of()).optOverrides(s)
        .build(), new CommonKeys(), new ClassifierKeys());
    return ClassifierService.start(ClassifierConfig.from(c),
        new PrometheusMeterRegistry(PrometheusConfig.DEFAULT));
  }
}
