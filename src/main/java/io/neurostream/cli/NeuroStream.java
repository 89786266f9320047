package io.neurostream.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * The {@code neurostream} command: wiring only. Each subcommand is a class of its own in this
 * package (or a sub-package) and is registered in {@link #SUBCOMMANDS}.
 */
@Command(
    name = "neurostream",
    mixinStandardHelpOptions = true,
    versionProvider = VersionProvider.class,
    description = {
      "Streaming brain-MRI classification on Kafka (research tool, not a medical device).",
      ""
    },
    subcommands = {CommandLine.HelpCommand.class})
public final class NeuroStream implements Runnable {

  /** Subcommands, in the order {@code --help} lists them. One line each; keep it sorted by workflow. */
  static final Class<?>[] SUBCOMMANDS = {
    StackCommand.class,
    TopicsCommand.class,
    ConfigCommand.class,
    GenerateCommand.class,
    TrainCommand.class,
    EvaluateCommand.class,
    ClassifierCommand.class,
    GatewayCommand.class,
    IngestCommand.class,
    LabelCommand.class,
    TailCommand.class,
    BenchCommand.class,
    TrainerCommand.class,
    ModelsCommand.class,
    DemoCommand.class,
    VerdictCommand.class,
    ConsoleCommand.class,
  };

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Override
  public void run() {
    throw new CommandLine.ParameterException(spec.commandLine(), "Missing command; see the list above.");
  }

  /** Builds the command line with every subcommand and the error handling every command shares. */
  public static CommandLine commandLine() {
    CommandLine cli = new CommandLine(new NeuroStream());
    for (Class<?> sub : SUBCOMMANDS) {
      cli.addSubcommand(sub);
    }
    cli.setExecutionExceptionHandler(new OneLineErrorHandler());
    cli.setParameterExceptionHandler(new ParameterErrorHandler());
    CommandSummaries.install(cli);
    cli.setCaseInsensitiveEnumValuesAllowed(true);
    return cli;
  }

  public static void main(String[] args) {
    io.neurostream.model.DjlDefaults.apply();
    System.exit(commandLine().execute(args));
  }
}
