package io.neurostream.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** {@code neurostream models}: the release history and what an operator does with it. */
@Command(
    name = "models",
    mixinStandardHelpOptions = true,
    description = "Model releases on mri.model-releases: list, publish, roll back, export, train now.",
    subcommands = {
      ModelsListCommand.class,
      ModelsPublishCommand.class,
      ModelsRollbackCommand.class,
      ModelsExportCommand.class,
      ModelsTrainNowCommand.class,
    })
public final class ModelsCommand implements Runnable {

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Override
  public void run() {
    throw new CommandLine.ParameterException(spec.commandLine(),
        "Missing command: list, publish, rollback, export or train-now");
  }
}
