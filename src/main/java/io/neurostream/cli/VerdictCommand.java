package io.neurostream.cli;

import io.neurostream.verdict.VerdictConfig;
import io.neurostream.verdict.VerdictKeys;
import io.neurostream.verdict.VerdictService;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code neurostream verdict}: the series verdict stage as a service of its own. */
@Command(
    name = "verdict",
    mixinStandardHelpOptions = true,
    description = {
      "Fold the predictions on mri.predictions into one verdict per series on "
          + "mri.series-verdicts (exactly once). The classifier runs this stage itself unless "
          + "verdict.enabled=false; run this command to scale or deploy it separately.",
      "Metrics on http://HOST:metrics.port/metrics, probes on /live and /ready."
    })
public final class VerdictCommand implements Callable<Integer> {

  @Option(names = "--gap-ms", paramLabel = "MS",
      description = "Close a series after this long without a new slice (verdict.series.gap.ms).")
  Long gapMs;

  @Option(names = "--aggregation", paramLabel = "RULE",
      description = "mean-prob or mean-log-prob (verdict.aggregation).")
  String aggregation;

  @Mixin ServiceOptions.MetricsPort metricsPort;

  @Mixin ServiceOptions.StateDir stateDir;

  @Mixin ClusterOptions cluster;

  @Override
  public Integer call() throws Exception {
    return new ServiceRunner("verdict", new VerdictKeys()).run(
        stateDir.addTo(metricsPort.addTo(cluster.sources()))
        .optFlag(VerdictKeys.SERIES_GAP.name(), gapMs, "--gap-ms")
        .optFlag(VerdictKeys.AGGREGATION.name(), aggregation, "--aggregation")
        .build(), VerdictConfig::from, VerdictService::start, VerdictService::awaitStopped);
  }
}
