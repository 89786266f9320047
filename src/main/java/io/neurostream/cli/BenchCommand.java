package io.neurostream.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** {@code neurostream bench}: benchmarks that print numbers (no assertions). */
@Command(
    name = "bench",
    mixinStandardHelpOptions = true,
    description = "Benchmarks that print numbers.",
    subcommands = {BenchEngineCommand.class, BenchPipelineCommand.class, BenchGatewayCommand.class,
        BenchExplainCommand.class})
public final class BenchCommand implements Runnable {

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Override
  public void run() {
    throw new CommandLine.ParameterException(spec.commandLine(), "Missing benchmark; try: bench engine, bench pipeline");
  }
}
