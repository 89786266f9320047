package io.neurostream.cli;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import picocli.CommandLine;
import picocli.CommandLine.Help;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.UsageMessageSpec;

/**
 * The "Commands:" list of a command's help: one complete sentence per subcommand (its header, or
 * the first sentence of its description). Picocli's own list shows the first line of the
 * description, which for a description wrapped over several lines ends mid-sentence.
 */
final class CommandSummaries {

  /** A sentence ends at . ! or ? before white space or the end, but not in "e.g." or "i.e.". */
  private static final Pattern SENTENCE_END = Pattern.compile("(?<!\\be\\.g|\\bi\\.e)[.!?](?=\\s|$)");

  private CommandSummaries() {}

  /** Installs the list on {@code cli} and every command under it that has subcommands. */
  static void install(CommandLine cli) {
    if (!cli.getSubcommands().isEmpty()) {
      cli.getHelpSectionMap().put(UsageMessageSpec.SECTION_KEY_COMMAND_LIST, CommandSummaries::render);
    }
    cli.getSubcommands().values().stream().distinct().forEach(CommandSummaries::install);
  }

  /** The command list: names (with aliases) and summaries, wrapped like picocli's own. */
  static String render(Help help) {
    Map<String, String> rows = new LinkedHashMap<>();
    for (Map.Entry<String, Help> e : help.subcommands().entrySet()) {
      CommandSpec sub = e.getValue().commandSpec();
      if (sub.usageMessage().hidden()) {
        continue;
      }
      rows.put(e.getValue().commandNamesText(", ").toString(), summary(sub));
    }
    return help.createTextTable(rows).toString();
  }

  /** The header's first line if the command has one, else the first sentence of its description. */
  static String summary(CommandSpec spec) {
    String[] header = spec.usageMessage().header();
    if (header.length > 0) {
      return plain(header[0]);
    }
    return firstSentence(plain(String.join("\n", spec.usageMessage().description())));
  }

  /** The text up to and including the first sentence end, on one line. */
  static String firstSentence(String text) {
    Matcher m = SENTENCE_END.matcher(text);
    String sentence = m.find() ? text.substring(0, m.end()) : text;
    return sentence.replaceAll("\\s+", " ").strip();
  }

  /** A description line as printed: picocli formats it, so %n is a line break and %% a percent sign. */
  private static String plain(String line) {
    return line.replace("%n", "\n").replace("%%", "%");
  }
}
