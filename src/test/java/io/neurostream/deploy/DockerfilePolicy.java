package io.neurostream.deploy;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Static rules for our Dockerfiles, as violations (empty = ok): every base image pinned, nothing
 * fetched by {@code ADD <url>} or piped into a shell, the final stage running as a numeric non-root
 * uid (Kubernetes can only verify {@code runAsNonRoot} against a number) with an exec-form
 * entrypoint, no credentials baked into ENV/ARG, and only real configuration variable names.
 */
final class DockerfilePolicy {

  private static final Pattern REMOTE = Pattern.compile("(?i)\\b(https?|ftp)://|\\bgit@");
  private static final Pattern PIPE_TO_SHELL =
      Pattern.compile("(?i)\\b(curl|wget)\\b[^|;&]*\\|\\s*(sudo\\s+)?(ba|z|da)?sh\\b");
  private static final Pattern SECRET_NAME = Pattern.compile("(?i)(PASSWORD|PASSWD|SECRET|TOKEN|API_KEY)");

  private DockerfilePolicy() {}

  static List<String> violations(Dockerfile dockerfile) {
    List<String> out = new ArrayList<>();
    Optional.ofNullable(dockerfile.directives().get("syntax"))
        .flatMap(ManifestPolicy::imageProblem)
        .ifPresent(p -> out.add("# syntax directive: " + p));
    Map<String, String> args = dockerfile.globalArgs();
    Set<String> stageNames = new HashSet<>();
    List<Dockerfile.Stage> stages = dockerfile.stages();
    if (stages.isEmpty()) {
      out.add("no FROM");
      return out;
    }
    for (Dockerfile.Stage stage : stages) {
      String image = stage.image();
      if (image.contains("$")) {
        out.add("FROM " + stage.rawImage() + ": " + image + " has no ARG default; give one so"
            + " the pinned version is in the file");
      } else if (!stageNames.contains(image) && !image.equals("scratch")) {
        ManifestPolicy.imageProblem(image).ifPresent(p -> out.add("FROM " + stage.rawImage() + ": " + p));
      }
      if (stage.name() != null) {
        stageNames.add(stage.name());
      }
    }
    for (Dockerfile.Instruction i : dockerfile.instructions()) {
      String at = "line " + i.line() + " " + i.keyword();
      if (i.keyword().equals("ADD") && REMOTE.matcher(i.withoutFlags()).find()) {
        out.add(at + ": ADD of a remote URL is unverified; COPY from the context or a stage");
      }
      if (i.keyword().equals("RUN") && PIPE_TO_SHELL.matcher(i.arguments()).find()) {
        out.add(at + ": a download piped into a shell runs unverified code");
      }
      if (i.keyword().equals("ENV") || i.keyword().equals("ARG")) {
        Map<String, String> assigned = i.keyword().equals("ENV")
            ? Dockerfile.assignments(i.arguments())
            : Map.of(i.arguments().split("=", 2)[0].strip(), "");
        for (String name : assigned.keySet()) {
          if (SECRET_NAME.matcher(name).find()) {
            out.add(at + ": " + name + " looks like a credential; images are not secret, pass it at"
                + " run time from a Secret");
          }
          if (i.keyword().equals("ENV")) {
            ConfigurationNames.problem(name).ifPresent(p -> out.add(at + ": " + p));
          }
        }
      }
    }
    checkFinalStage(stages.get(stages.size() - 1), out);
    return out;
  }

  private static void checkFinalStage(Dockerfile.Stage stage, List<String> out) {
    Optional<Dockerfile.Instruction> user = stage.last("USER");
    if (user.isEmpty()) {
      out.add("final stage: no USER, so the container runs as root");
    } else {
      String uid = user.get().arguments().split(":")[0].strip();
      if (!uid.matches("\\d+")) {
        out.add("final stage: USER " + user.get().arguments() + " is not numeric; Kubernetes"
            + " cannot verify runAsNonRoot for a user name");
      } else if (Long.parseLong(uid) == 0) {
        out.add("final stage: USER 0 is root");
      }
    }
    Optional<Dockerfile.Instruction> entrypoint = stage.last("ENTRYPOINT");
    if (entrypoint.isEmpty() || entrypoint.get().execForm().isEmpty()) {
      out.add("final stage: ENTRYPOINT must be in exec form [\"java\", ...] so SIGTERM reaches the"
          + " JVM, not a shell");
    }
    stage.last("CMD")
        .filter(cmd -> cmd.execForm().isEmpty())
        .ifPresent(cmd -> out.add("final stage: CMD must be in exec form"));
  }
}
