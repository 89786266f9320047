package io.neurostream.cli;

import io.neurostream.console.ConsoleConfig;
import io.neurostream.console.ConsoleKeys;
import io.neurostream.console.ConsoleService;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code neurostream console}: the web UI and HTTP API. */
@Command(
    name = "console",
    mixinStandardHelpOptions = true,
    description = {
      "Serve the web console and its JSON API: overview (rates, latency, lag, running instances and "
          + "the model each serves), releases with rollback, recent predictions by series, dead "
          + "letters with replay. Reads everything from Kafka (instances announce themselves on "
          + "mri.service-status); rollback and replay need console.admin.token.",
      "UI on http://HOST:console.port/ (default 8080), API described at /openapi.json, "
          + "/metrics, /live and /ready on the same port. Runs until SIGTERM."
    })
public final class ConsoleCommand implements Callable<Integer> {

  @Option(names = "--port", paramLabel = "PORT",
      description = "HTTP port; 0 picks one (console.port, default 8080).")
  Integer port;

  @Mixin ClusterOptions cluster;

  @Override
  public Integer call() throws Exception {
    return new ServiceRunner("console", new ConsoleKeys()).run(cluster.sources()
        .optFlag(ConsoleKeys.PORT.name(), port, "--port")
        .build(), ConsoleConfig::from, ConsoleService::start, ConsoleService::awaitStopped);
  }
}
