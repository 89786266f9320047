package io.neurostream.cli;

import io.neurostream.avro.ModelRelease;
import io.neurostream.trainer.ReleaseHistory;
import io.neurostream.trainer.ReleaseOperations;
import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code neurostream models train-now}: asks the trainer for a round at once. */
@Command(
    name = "train-now",
    mixinStandardHelpOptions = true,
    description = {
      "Ask the running trainer for a round now (POST /train-now on its ops port); with --wait, "
          + "wait for the release it publishes and print its decision."
    })
public final class ModelsTrainNowCommand implements Callable<Integer> {

  @Option(names = "--trainer", defaultValue = "http://localhost:9405", paramLabel = "URL",
      description = "The trainer's ops endpoint (default: ${DEFAULT-VALUE}).")
  URI trainer;

  @Option(names = "--wait", description = "Wait for the round's release record and print it.")
  boolean await;

  @Option(names = "--timeout", defaultValue = "PT30M", paramLabel = "DURATION",
      description = "How long --wait waits, ISO-8601 (default: ${DEFAULT-VALUE}).")
  Duration timeout;

  @Mixin ReleaseOptions releases;

  @Override
  public Integer call() throws Exception {
    ReleaseOperations ops = await ? new ReleaseOperations(releases.trainerConfig()) : null;
    try {
      int before = ops == null ? 0 : ops.history().records().size();
      HttpResponse<String> response;
      try {
        response = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build().send(
            HttpRequest.newBuilder(trainer.resolve("/train-now"))
                .timeout(Duration.ofSeconds(30))
                .POST(HttpRequest.BodyPublishers.noBody())
                .build(),
            HttpResponse.BodyHandlers.ofString());
      } catch (ConnectException e) {
        throw new IOException("no trainer answers at " + trainer + "; start one (neurostream "
            + "trainer) or point --trainer at its ops port", e);
      }
      System.out.print(response.body());
      if (response.statusCode() != 202) {
        return 1;
      }
      if (ops != null) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
          ReleaseHistory h = ops.history();
          if (h.records().size() > before) {
            ModelRelease r = h.records().get(h.records().size() - 1);
            System.out.printf("%s %s: %s%n", r.getVersion(), r.getStatus(), r.getReason());
            return 0;
          }
          Thread.sleep(2000);
        }
        throw new IOException("no release within " + timeout + "; see the trainer's log (a round "
            + "is skipped while there are too few labeled patients)");
      }
      return 0;
    } finally {
      if (ops != null) {
        ops.close();
      }
    }
  }
}
