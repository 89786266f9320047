package io.neurostream.docs;

import static org.assertj.core.api.Assertions.assertThat;

import io.neurostream.cli.NeuroStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/**
 * Every {@code neurostream …} command in a shell block of the README and the docs parses against
 * the real command line: a renamed or removed flag breaks this test, not a reader's first try.
 */
class DocsCommandsTest {

  private static final Pattern SHELL_BLOCK = Pattern.compile("^```(?:sh|bash|shell|console)\\n(.*?)^```",
      Pattern.MULTILINE | Pattern.DOTALL);
  private static final String JAR = "java -jar target/neurostream.jar ";

  @Test
  void everyDocumentedCommandLineShouldParse() throws IOException {
    List<String> problems = new ArrayList<>();
    int checked = 0;
    for (Path page : pages()) {
      for (String line : commandLines(Files.readString(page, StandardCharsets.UTF_8))) {
        List<String> args = arguments(line);
        if (args.isEmpty()) {
          continue;
        }
        checked++;
        try {
          NeuroStream.commandLine().parseArgs(args.toArray(String[]::new));
        } catch (CommandLine.ParameterException e) {
          problems.add(page + ": `neurostream " + String.join(" ", args) + "`: " + e.getMessage());
        }
      }
    }
    assertThat(checked).as("documented command lines found").isGreaterThan(20);
    assertThat(problems).as("documented commands that do not parse").isEmpty();
  }

  @Test
  void shouldSplitAShellLineAsTheShellWould() {
    assertThat(arguments("neurostream models rollback v1 --reason \"recall drop\"   # why"))
        .containsExactly("models", "rollback", "v1", "--reason", "recall drop");
    assertThat(arguments("KAFKA_X=1 " + JAR + "tail --max 3 --format json | jq .predicted"))
        .containsExactly("tail", "--max", "3", "--format", "json");
    assertThat(arguments("neurostream classifier &")).containsExactly("classifier");
    assertThat(arguments("jshell --class-path target/neurostream.jar x.jsh")).isEmpty();
  }

  /** Command lines of the shell blocks, continuations joined. */
  static List<String> commandLines(String page) {
    List<String> lines = new ArrayList<>();
    Matcher m = SHELL_BLOCK.matcher(page);
    while (m.find()) {
      StringBuilder current = new StringBuilder();
      for (String raw : m.group(1).split("\n")) {
        String line = raw.strip();
        if (line.endsWith("\\")) {
          current.append(line, 0, line.length() - 1).append(' ');
          continue;
        }
        lines.add(current.append(line).toString());
        current.setLength(0);
      }
    }
    return lines;
  }

  /** The arguments after {@code neurostream}, or empty if the line does not run it. */
  static List<String> arguments(String line) {
    List<String> words = words(line);
    while (!words.isEmpty() && words.get(0).matches("[A-Z_][A-Z0-9_]*=.*")) {
      words.remove(0);
    }
    if (words.size() >= 3 && String.join(" ", words.subList(0, 3)).equals(JAR.strip())) {
      return words.subList(3, words.size());
    }
    if (!words.isEmpty() && words.get(0).equals("neurostream")) {
      return words.subList(1, words.size());
    }
    return List.of();
  }

  /** Shell words up to a comment, pipe, redirection or background marker. */
  private static List<String> words(String line) {
    List<String> words = new ArrayList<>();
    StringBuilder word = null;
    char quote = 0;
    for (int i = 0; i < line.length(); i++) {
      char c = line.charAt(i);
      if (quote != 0) {
        if (c == quote) {
          quote = 0;
        } else {
          word.append(c);
        }
      } else if (c == '"' || c == '\'') {
        quote = c;
        word = word == null ? new StringBuilder() : word;
      } else if (Character.isWhitespace(c)) {
        if (word != null) {
          words.add(word.toString());
          word = null;
        }
      } else if ((c == '#' && word == null) || c == '|' || c == '&' || c == ';' || c == '>' || c == '<') {
        break;
      } else {
        word = word == null ? new StringBuilder() : word;
        word.append(c);
      }
    }
    if (word != null) {
      words.add(word.toString());
    }
    return words;
  }

  private static List<Path> pages() throws IOException {
    List<Path> pages = new ArrayList<>(List.of(Path.of("README.md")));
    try (Stream<Path> files = Files.list(Path.of("docs"))) {
      files.filter(p -> p.toString().endsWith(".md")).sorted().forEach(pages::add);
    }
    return pages;
  }
}
