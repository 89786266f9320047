package io.neurostream.cli;

import java.io.PrintWriter;
import java.util.List;
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
    List<String> commands = closeCommands(ex);
    if (hint != null) {
      err.println("Did you mean: " + cli.getCommandSpec().qualifiedName(" ") + " " + hint + "?");
    } else if (!commands.isEmpty()) {
      err.println("Did you mean: " + String.join(" or ", commands.stream()
          .map(c -> cli.getCommandSpec().qualifiedName(" ") + " " + c).toList()) + "?");
    } else if (!UnmatchedArgumentException.printSuggestions(ex, err)) {
      cli.usage(err, cli.getColorScheme());
    }
    err.flush();
    return cli.getCommandSpec().exitCodeOnInvalidInput();
  }

  /**
   * Subcommands within two typing slips (a swapped, missing, extra or wrong letter) of an unknown
   * command word: {@code tial} → {@code tail}. Picocli's own suggestion compares letter pairs and
   * offers {@code evaluate} there.
   */
  static List<String> closeCommands(ParameterException ex) {
    if (!(ex instanceof UnmatchedArgumentException unmatched) || unmatched.getUnmatched().isEmpty()) {
      return List.of();
    }
    String word = unmatched.getUnmatched().get(0);
    if (word.startsWith("-")) {
      return List.of();
    }
    int allowed = word.length() <= 2 ? 0 : word.length() <= 4 ? 1 : 2;
    return ex.getCommandLine().getSubcommands().keySet().stream()
        .filter(name -> !name.equals("help") && slips(word, name) <= allowed)
        .sorted()
        .toList();
  }

  /** Optimal string alignment distance: insertions, deletions, substitutions, adjacent swaps. */
  static int slips(String a, String b) {
    int[][] d = new int[a.length() + 1][b.length() + 1];
    for (int i = 0; i <= a.length(); i++) {
      d[i][0] = i;
    }
    for (int j = 0; j <= b.length(); j++) {
      d[0][j] = j;
    }
    for (int i = 1; i <= a.length(); i++) {
      for (int j = 1; j <= b.length(); j++) {
        int cost = a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1;
        d[i][j] = Math.min(Math.min(d[i - 1][j] + 1, d[i][j - 1] + 1), d[i - 1][j - 1] + cost);
        if (i > 1 && j > 1 && a.charAt(i - 1) == b.charAt(j - 2) && a.charAt(i - 2) == b.charAt(j - 1)) {
          d[i][j] = Math.min(d[i][j], d[i - 2][j - 2] + 1);
        }
      }
    }
    return d[a.length()][b.length()];
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
