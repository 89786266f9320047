package io.neurostream.deploy;

import io.neurostream.cli.NeuroStream;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import picocli.CommandLine;

/**
 * Checks a container's arguments against the real {@code neurostream} command line, so Compose
 * and Kubernetes cannot drift from the CLI: a renamed flag fails here, not in a crash loop.
 */
final class CliContract {

  /**
   * Subcommands the issues promise (2-6) that may not be registered on this branch yet. Their
   * arguments are parsed strictly from the moment the command is registered in
   * {@code NeuroStream.SUBCOMMANDS}; a name outside this set must be registered already.
   */
  static final Set<String> PROMISED =
      Set.of(
          "stack", "topics", "generate", "train", "evaluate", "classifier", "trainer", "ingest",
          "label", "tail", "models", "bench", "demo");

  private CliContract() {}

  /** Empty if {@code args} parse as a neurostream command line (or await a promised command). */
  static Optional<String> problem(List<String> args) {
    if (args.isEmpty()) {
      return Optional.of("no subcommand given; the image's CMD would run the classifier");
    }
    CommandLine cli = NeuroStream.commandLine();
    String subcommand = args.get(0);
    if (!cli.getSubcommands().containsKey(subcommand)) {
      return PROMISED.contains(subcommand)
          ? Optional.empty()
          : Optional.of("'" + subcommand + "' is not a neurostream subcommand; see neurostream --help");
    }
    try {
      cli.parseArgs(args.toArray(String[]::new));
      return Optional.empty();
    } catch (CommandLine.ParameterException e) {
      return Optional.of("neurostream " + String.join(" ", args) + ": " + e.getMessage());
    }
  }

  /** Whether {@code subcommand} is registered, i.e. its arguments are really parsed. */
  static boolean isRegistered(String subcommand) {
    return NeuroStream.commandLine().getSubcommands().containsKey(subcommand);
  }
}
