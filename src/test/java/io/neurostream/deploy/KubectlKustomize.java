package io.neurostream.deploy;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/**
 * Renders a kustomization with {@code kubectl kustomize}, the same renderer {@code kubectl apply
 * -k} uses, so what is validated is what a cluster would receive. Set {@code KUBECTL} to use a
 * kubectl that is not on the PATH.
 */
final class KubectlKustomize {

  private KubectlKustomize() {}

  static String render(Path kustomization) {
    return render(System.getenv().getOrDefault("KUBECTL", "kubectl"), kustomization);
  }

  static String render(String kubectl, Path kustomization) {
    Process process;
    try {
      process =
          new ProcessBuilder(kubectl, "kustomize", kustomization.toString())
              .redirectErrorStream(false)
              .start();
    } catch (IOException e) {
      throw new IllegalStateException(
          "cannot run '"
              + kubectl
              + " kustomize' ("
              + e.getMessage()
              + "); install kubectl >= 1.27 (it embeds kustomize v5) and put it on the PATH,"
              + " or set KUBECTL=/path/to/kubectl",
          e);
    }
    try {
      // read both streams before waiting so a large render cannot block on a full pipe
      var stderr = process.getErrorStream();
      String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      String err = new String(stderr.readAllBytes(), StandardCharsets.UTF_8);
      if (!process.waitFor(120, TimeUnit.SECONDS)) {
        process.destroyForcibly();
        throw new IllegalStateException("kubectl kustomize " + kustomization + " did not finish");
      }
      if (process.exitValue() != 0) {
        throw new IllegalStateException(
            "kubectl kustomize " + kustomization + " failed: " + err.strip());
      }
      return out;
    } catch (IOException e) {
      throw new IllegalStateException("reading kubectl output: " + e.getMessage(), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted rendering " + kustomization, e);
    }
  }
}
