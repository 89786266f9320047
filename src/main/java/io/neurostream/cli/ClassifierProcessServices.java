package io.neurostream.cli;

import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.neurostream.classifier.ClassifierConfig;
import io.neurostream.classifier.ClassifierKeys;
import io.neurostream.classifier.ClassifierService;
import io.neurostream.config.ConfigKey;
import io.neurostream.config.ConfigKeySet;
import io.neurostream.config.Configuration;
import io.neurostream.verdict.VerdictConfig;
import io.neurostream.verdict.VerdictKeys;
import io.neurostream.verdict.VerdictService;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What {@code neurostream classifier} runs: the classifier and, unless
 * {@code verdict.enabled=false}, the series verdict stage beside it in the same process (two Kafka
 * Streams applications; they share nothing but the topics). Should the verdict stage fail, the
 * classifier is stopped too and the process exits with 1, so the orchestrator restarts both.
 */
final class ClassifierProcessServices implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(ClassifierProcessServices.class);

  /** Both configurations, read from one set of sources. */
  record Config(ClassifierConfig classifier, VerdictConfig verdict) {
    static Config from(Configuration c) {
      return new Config(ClassifierConfig.from(c), VerdictConfig.from(c));
    }
  }

  /** The classifier's keys and the verdict stage's, loaded together. */
  static final class Keys implements ConfigKeySet {
    private final ClassifierKeys classifier = new ClassifierKeys();
    private final VerdictKeys verdict = new VerdictKeys();

    @Override
    public String service() {
      return classifier.service();
    }

    @Override
    public List<ConfigKey<?>> keys() {
      List<ConfigKey<?>> all = new ArrayList<>(classifier.keys());
      all.addAll(verdict.keys());
      return all;
    }

    @Override
    public List<String> check(Configuration c) {
      List<String> problems = new ArrayList<>(classifier.check(c));
      problems.addAll(verdict.check(c));
      return problems;
    }
  }

  private final ClassifierService classifier;
  private final VerdictService verdict;
  private volatile boolean verdictFailed;

  private ClassifierProcessServices(ClassifierService classifier, VerdictService verdict) {
    this.classifier = classifier;
    this.verdict = verdict;
  }

  static ClassifierProcessServices start(Config config, PrometheusMeterRegistry registry)
      throws InterruptedException {
    ClassifierService classifier = ClassifierService.start(config.classifier(), registry);
    if (!config.verdict().enabled()) {
      LOG.info("verdict.enabled=false: series verdicts are left to 'neurostream verdict'");
      return new ClassifierProcessServices(classifier, null);
    }
    VerdictService verdict;
    try {
      verdict = VerdictService.startHosted(config.verdict(), registry);
    } catch (RuntimeException e) {
      classifier.close();
      throw e;
    }
    ClassifierProcessServices services = new ClassifierProcessServices(classifier, verdict);
    Thread watch = new Thread(() -> {
      try {
        if (verdict.awaitStopped() != 0) {
          services.verdictFailed = true;
          LOG.error("the verdict stage failed; stopping the classifier so the process exits");
          classifier.close();
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }, "verdict-watch");
    watch.setDaemon(true);
    watch.start();
    return services;
  }

  /** Blocks until the classifier stops; 1 if it or the verdict stage failed. */
  int awaitStopped() throws InterruptedException {
    int code = classifier.awaitStopped();
    return verdictFailed ? 1 : code;
  }

  /** Stops both at once, so the process stays within the classifier's close timeout. */
  @Override
  public void close() {
    Thread stopVerdict = null;
    if (verdict != null) {
      stopVerdict = new Thread(verdict::close, "verdict-close");
      stopVerdict.start();
    }
    classifier.close();
    if (stopVerdict != null) {
      try {
        stopVerdict.join(VerdictService.CLOSE_TIMEOUT.toMillis() + 5000);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }
}
