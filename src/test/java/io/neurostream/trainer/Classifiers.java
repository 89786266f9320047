package io.neurostream.trainer;

import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.neurostream.classifier.ClassifierConfig;
import io.neurostream.classifier.ClassifierKeys;
import io.neurostream.classifier.ClassifierService;
import io.neurostream.config.CommonKeys;
import io.neurostream.config.ConfigSources;
import io.neurostream.config.Configuration;
import io.neurostream.platform.KafkaStack;
import java.nio.file.Path;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/** In-process classifiers for trainer ITs, with a watch on every model version they serve. */
final class Classifiers {

  private Classifiers() {}

  static ClassifierService start(KafkaStack stack, Path stateDir, String instance) throws InterruptedException {
    return start(stack, stateDir, instance, new PrometheusMeterRegistry(PrometheusConfig.DEFAULT));
  }

  static ClassifierService start(KafkaStack stack, Path stateDir, String instance,
      PrometheusMeterRegistry registry) throws InterruptedException {
    Map<String, String> s = stack.settings(stateDir.resolve(instance));
    s.put("application.id", "trainer-it-classifier");
    s.put("model.device", "cpu");
    s.put("batch.max.size", "16");
    s.put("batch.max.delay.ms", "50");
    ClassifierConfig config = ClassifierConfig.from(Configuration.load(
        ConfigSources.builder().optEnv(Map.of()).optOverrides(s).build(),
        new CommonKeys(), new ClassifierKeys()));
    return ClassifierService.start(config, registry);
  }

  /** Releases the classifier refused (failed verification or loading), by its metrics. */
  static double refused(PrometheusMeterRegistry registry) {
    return registry.find("neurostream.releases.refused").counters().stream()
        .mapToDouble(io.micrometer.core.instrument.Counter::count).sum();
  }

  /** Samples the served versions of {@code classifiers} every 50 ms into a set, until closed. */
  static final class VersionWatch implements AutoCloseable {
    final Set<String> seen = ConcurrentHashMap.newKeySet();
    private final Thread thread;
    private volatile boolean running = true;

    VersionWatch(ClassifierService... classifiers) {
      thread = new Thread(() -> {
        while (running) {
          for (ClassifierService c : classifiers) {
            c.modelVersion().ifPresent(seen::add);
          }
          try {
            Thread.sleep(50);
          } catch (InterruptedException e) {
            return;
          }
        }
      }, "version-watch");
      thread.setDaemon(true);
      thread.start();
    }

    @Override
    public void close() {
      running = false;
      thread.interrupt();
    }
  }
}
