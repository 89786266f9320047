package io.neurostream.cli;

import io.neurostream.gateway.GatewayConfig;
import io.neurostream.gateway.GatewayKeys;
import io.neurostream.gateway.GatewayService;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code neurostream gateway}: the DICOMweb STOW-RS gateway from PACS into mri.scans. */
@Command(
    name = "gateway",
    mixinStandardHelpOptions = true,
    description = {
      "Receive DICOM instances over DICOMweb STOW-RS (POST /dicom-web/studies[/{study}], "
          + "multipart/related; type=\"application/dicom\") and publish one ScanEvent per slice "
          + "to mri.scans. An instance is reported stored only after Kafka acknowledged it "
          + "(acks=all); while Kafka or the registry is down requests fail with 503 and "
          + "FailureReason 0xA700, which clients retry. Runs until SIGTERM.",
      "Metrics on http://HOST:metrics.port/metrics, probes on /live and /ready. "
          + "See docs/pacs-integration.md."
    })
public final class GatewayCommand implements Callable<Integer> {

  @Option(names = "--port", paramLabel = "PORT",
      description = "Port of the STOW-RS endpoint; 0 picks one (gateway.port).")
  Integer port;

  @Mixin ServiceOptions.MetricsPort metricsPort;

  @Mixin ClusterOptions cluster;

  @Override
  public Integer call() throws Exception {
    return new ServiceRunner("gateway", new GatewayKeys()).run(metricsPort.addTo(cluster.sources())
        .optFlag(GatewayKeys.PORT.name(), port, "--port")
        .build(), GatewayConfig::from, GatewayService::start, GatewayService::awaitStopped);
  }
}
