package io.neurostream.cli;

import java.io.PrintWriter;
import java.util.Map;
import picocli.CommandLine;
import picocli.CommandLine.IParameterExceptionHandler;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.UnmatchedArgumentException;

/**
 * Reports a command line that does not parse as picocli does (the error, then picocli's "Possible
 * solutions" for a misspelt option, or the usage), and adds the command's own hint for options
 * people reach for that do not exist, e.g. {@code tail --json} → {@code --format json}.
 */
final class ParameterErrorHandler implements IParameterExceptionHandler {

  /** A command that knows what users mean by options it does not have. */
  interface OptionHints {
    /** Unknown option → what to type instead, e.g. {@code "--json" → "--format json"}. */
    Map<String, String> optionHints();
  }

  @Override
  public int handleParseException(ParameterException ex, String[] args) {
    CommandLine cli = ex.getCommandLine();
    PrintWriter err = cli.getErr();
    err.println(ex.getMessage());
    String hint = hint(ex);
    if (hint != null) {
      err.println("Did you mean: " + cli.getCommandSpec().qualifiedName(" ") + " " + hint + "?");
    } else if (!UnmatchedArgumentException.printSuggestions(ex, err)) {
      cli.usage(err, cli.getColorScheme());
    }
    err.flush();
    return cli.getCommandSpec().exitCodeOnInvalidInput();
  }

  /** The command's hint for the first unknown option, or null. */
  static String hint(ParameterException ex) {
    if (!(ex instanceof UnmatchedArgumentException unmatched)
        || !(ex.getCommandLine().getCommand() instanceof OptionHints hinted)) {
      return null;
    }
    for (String arg : unmatched.getUnmatched()) {
      String option = arg.contains("=") ? arg.substring(0, arg.indexOf('=')) : arg;
      String hint = hinted.optionHints().get(option);
      if (hint != null) {
        return hint;
      }
    }
    return null;
  }
}
