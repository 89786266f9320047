package io.neurostream.cli;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import picocli.CommandLine;
import picocli.CommandLine.Help;
import picocli.CommandLine.Help.Ansi;
import picocli.CommandLine.Model.ArgSpec;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.Model.PositionalParamSpec;

/**
 * The CLI reference in Markdown (docs/cli.md), generated from the picocli model of every command:
 * a summary list, then per command its description, synopsis, parameters, options (with their
 * defaults) and exit codes. {@code --help} and {@code --version}, which every command has, are
 * left out of the tables.
 */
public final class CliReference {

  private CliReference() {}

  /** The reference of {@code neurostream} and every command under it. */
  public static String markdown() {
    return markdown(NeuroStream.commandLine());
  }

  static String markdown(CommandLine root) {
    List<CommandLine> commands = new ArrayList<>();
    collect(root, commands);
    StringBuilder out = new StringBuilder();
    out.append("| command | what it does |\n| --- | --- |\n");
    for (CommandLine c : commands.subList(1, commands.size())) {
      String name = c.getCommandSpec().qualifiedName(" ");
      out.append("| [`").append(name).append("`](#").append(anchor(name)).append(") | ")
          .append(cell(CommandSummaries.summary(c.getCommandSpec()))).append(" |\n");
    }
    for (CommandLine c : commands) {
      command(out, c);
    }
    return out.toString();
  }

  private static void collect(CommandLine cli, List<CommandLine> into) {
    into.add(cli);
    for (CommandLine sub : cli.getSubcommands().values().stream().distinct().toList()) {
      if (!(sub.getCommand() instanceof CommandLine.HelpCommand) && !sub.getCommandSpec().usageMessage().hidden()) {
        collect(sub, into);
      }
    }
  }

  private static void command(StringBuilder out, CommandLine cli) {
    CommandSpec spec = cli.getCommandSpec();
    out.append("\n## `").append(spec.qualifiedName(" ")).append("`\n\n");
    description(out, spec.usageMessage().description());
    Help help = new Help(spec, new Help.ColorScheme.Builder(Ansi.OFF).build());
    out.append("```text\n").append(help.synopsis(0).stripTrailing()).append("\n```\n");

    List<PositionalParamSpec> positionals = spec.positionalParameters().stream()
        .filter(p -> !p.hidden()).toList();
    if (!positionals.isEmpty()) {
      out.append("\n| parameter | description |\n| --- | --- |\n");
      for (PositionalParamSpec p : positionals) {
        out.append("| `").append(p.paramLabel()).append(p.isMultiValue() ? "..." : "").append("` | ")
            .append(cell(text(p))).append(" |\n");
      }
    }
    List<OptionSpec> options = spec.options().stream()
        .filter(o -> !o.hidden() && !o.usageHelp() && !o.versionHelp()).toList();
    if (!options.isEmpty()) {
      out.append("\n| option | default | description |\n| --- | --- | --- |\n");
      for (OptionSpec o : options) {
        String names = String.join(", ", o.names());
        String label = o.typeInfo().isBoolean() ? "" : "=" + o.paramLabel();
        String def = o.defaultValue() == null || o.typeInfo().isBoolean() ? "" : "`" + o.defaultValue() + "`";
        out.append("| `").append(names).append(label).append("`").append(o.isMultiValue() ? " (repeatable)" : "")
            .append(" | ").append(def).append(" | ").append(cell(text(o))).append(" |\n");
      }
    }
    Map<String, String> exitCodes = spec.usageMessage().exitCodeList();
    if (!exitCodes.isEmpty()) {
      out.append("\nExit codes:\n\n| code | meaning |\n| --- | --- |\n");
      exitCodes.forEach((code, meaning) -> out.append("| ").append(cell(code.strip())).append(" | ")
          .append(cell(meaning.strip())).append(" |\n"));
    }
    List<CommandLine> subs = cli.getSubcommands().values().stream().distinct()
        .filter(s -> !(s.getCommand() instanceof CommandLine.HelpCommand)).toList();
    if (!subs.isEmpty()) {
      out.append("\nCommands: ");
      List<String> links = new ArrayList<>();
      for (CommandLine s : subs) {
        String name = s.getCommandSpec().qualifiedName(" ");
        links.add("[`" + s.getCommandName() + "`](#" + anchor(name) + ")");
      }
      out.append(String.join(", ", links)).append(".\n");
    }
  }

  /** Description lines: text becomes a paragraph, indented lines a code block, as --help shows them. */
  private static void description(StringBuilder out, String[] lines) {
    StringBuilder paragraph = new StringBuilder();
    StringBuilder code = new StringBuilder();
    for (String raw : lines) {
      for (String line : raw.replace("%%", "%").split("%n", -1)) {
        if (line.startsWith(" ") && !line.isBlank()) {
          flush(out, paragraph);
          code.append(line.strip()).append('\n');
        } else {
          if (code.length() > 0) {
            out.append("```text\n").append(code).append("```\n\n");
            code.setLength(0);
          }
          if (line.isBlank()) {
            flush(out, paragraph);
          } else {
            paragraph.append(paragraph.length() > 0 ? " " : "").append(line.strip());
          }
        }
      }
    }
    if (code.length() > 0) {
      out.append("```text\n").append(code).append("```\n\n");
    }
    flush(out, paragraph);
  }

  private static void flush(StringBuilder out, StringBuilder paragraph) {
    if (paragraph.length() > 0) {
      out.append(paragraph).append("\n\n");
      paragraph.setLength(0);
    }
  }

  private static String text(ArgSpec arg) {
    return String.join(" ", arg.renderedDescription()).replace("%n", " ").replace("%%", "%");
  }

  /** GitHub's heading anchor: lower case, spaces to dashes, other punctuation dropped. */
  static String anchor(String heading) {
    return heading.toLowerCase(java.util.Locale.ROOT).replaceAll("[^a-z0-9 _-]", "").replace(' ', '-');
  }

  private static String cell(String s) {
    return s.replace("|", "\\|").replace("\n", " ").strip();
  }
}
