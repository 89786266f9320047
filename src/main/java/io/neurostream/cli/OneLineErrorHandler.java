package io.neurostream.cli;

import picocli.CommandLine;
import picocli.CommandLine.IExecutionExceptionHandler;
import picocli.CommandLine.ParseResult;

/**
 * Prints a failed command's cause as one line on stderr and exits non-zero. The stack trace is
 * shown only with {@code NEUROSTREAM_DEBUG=1}, so an operator sees the fix, not a wall of frames.
 */
final class OneLineErrorHandler implements IExecutionExceptionHandler {

  /** Exit code for a command that started and failed (parse errors use picocli's 2). */
  static final int FAILED = 1;

  @Override
  public int handleExecutionException(Exception ex, CommandLine cli, ParseResult parsed) {
    String command = cli.getCommandName();
    String message = ex.getMessage() == null ? ex.getClass().getSimpleName() : ex.getMessage();
    cli.getErr().println("neurostream " + command + ": " + message);
    if ("1".equals(System.getenv("NEUROSTREAM_DEBUG"))) {
      ex.printStackTrace(cli.getErr());
    }
    return FAILED;
  }
}
