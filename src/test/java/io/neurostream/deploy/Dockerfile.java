package io.neurostream.deploy;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A Dockerfile read the way BuildKit reads it, far enough to check it without a Docker engine:
 * parser directives, instructions with line continuations joined and comments dropped, build
 * stages with their base image resolved through the global {@code ARG} defaults.
 */
record Dockerfile(Map<String, String> directives, List<Instruction> instructions) {

  /** One instruction: its first line number, keyword (upper case) and arguments. */
  record Instruction(int line, String keyword, String arguments) {

    /** Exec-form arguments ({@code ["java", "-jar", ...]}), or empty for shell form. */
    Optional<List<String>> execForm() {
      String text = arguments.strip();
      if (!text.startsWith("[")) {
        return Optional.empty();
      }
      try {
        return Optional.of(List.of(JSON.readValue(text, String[].class)));
      } catch (JsonProcessingException e) {
        return Optional.empty();
      }
    }

    /** {@code --mount=...} style flags at the start of RUN/COPY/FROM. */
    List<String> flags() {
      List<String> flags = new ArrayList<>();
      for (String token : arguments.strip().split("\\s+")) {
        if (!token.startsWith("--")) {
          break;
        }
        flags.add(token);
      }
      return flags;
    }

    /** The arguments after the leading flags. */
    String withoutFlags() {
      String rest = arguments.strip();
      while (rest.startsWith("--")) {
        int space = rest.indexOf(' ');
        rest = space < 0 ? "" : rest.substring(space + 1).strip();
      }
      return rest;
    }
  }

  /** One build stage: base image as written and as resolved, optional name, its instructions. */
  record Stage(String rawImage, String image, String name, List<Instruction> instructions) {

    List<Instruction> all(String keyword) {
      return instructions.stream().filter(i -> i.keyword().equals(keyword)).toList();
    }

    Optional<Instruction> last(String keyword) {
      List<Instruction> found = all(keyword);
      return found.isEmpty() ? Optional.empty() : Optional.of(found.get(found.size() - 1));
    }

    /** ENV assignments of this stage, later ones winning. */
    Map<String, String> env() {
      Map<String, String> env = new LinkedHashMap<>();
      all("ENV").forEach(i -> env.putAll(assignments(i.arguments())));
      return env;
    }
  }

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Pattern DIRECTIVE = Pattern.compile("^#\\s*([a-zA-Z]+)\\s*=\\s*(\\S+)\\s*$");
  private static final Pattern VARIABLE = Pattern.compile("\\$\\{?([A-Za-z_][A-Za-z0-9_]*)\\}?");
  private static final Pattern ASSIGNMENT =
      Pattern.compile("([A-Za-z_][A-Za-z0-9_.-]*)=(\"(?:[^\"\\\\]|\\\\.)*\"|'[^']*'|\\S*)");

  static Dockerfile parse(String text) {
    Map<String, String> directives = new LinkedHashMap<>();
    List<Instruction> instructions = new ArrayList<>();
    String[] lines = text.split("\n", -1);
    boolean directivesAllowed = true;
    StringBuilder pending = null;
    int start = 0;
    for (int n = 0; n < lines.length; n++) {
      String line = lines[n].stripTrailing();
      String trimmed = line.strip();
      if (trimmed.startsWith("#")) {
        Matcher directive = DIRECTIVE.matcher(trimmed);
        if (directivesAllowed && pending == null && directive.matches()) {
          directives.put(directive.group(1).toLowerCase(Locale.ROOT), directive.group(2));
        } else {
          directivesAllowed = false;
        }
        continue; // comments, also inside a continuation, are dropped
      }
      directivesAllowed = false;
      if (pending == null) {
        if (trimmed.isEmpty()) {
          continue;
        }
        pending = new StringBuilder();
        start = n + 1;
      }
      boolean continues = line.endsWith("\\");
      pending.append(continues ? line.substring(0, line.length() - 1) : line).append(' ');
      if (!continues) {
        instructions.add(instruction(start, pending.toString().strip()));
        pending = null;
      }
    }
    if (pending != null) {
      instructions.add(instruction(start, pending.toString().strip()));
    }
    return new Dockerfile(directives, List.copyOf(instructions));
  }

  private static Instruction instruction(int line, String text) {
    int space = text.indexOf(' ');
    String keyword = (space < 0 ? text : text.substring(0, space)).toUpperCase(Locale.ROOT);
    String arguments = space < 0 ? "" : text.substring(space + 1).strip();
    return new Instruction(line, keyword, arguments);
  }

  /** Global ARGs (before the first FROM) and their defaults; null when there is no default. */
  Map<String, String> globalArgs() {
    Map<String, String> args = new LinkedHashMap<>();
    for (Instruction i : instructions) {
      if (i.keyword().equals("FROM")) {
        break;
      }
      if (i.keyword().equals("ARG")) {
        String[] kv = i.arguments().split("=", 2);
        args.put(kv[0].strip(), kv.length > 1 ? unquote(kv[1].strip()) : null);
      }
    }
    return args;
  }

  List<Stage> stages() {
    Map<String, String> args = globalArgs();
    List<Stage> stages = new ArrayList<>();
    String raw = null;
    String name = null;
    List<Instruction> body = null;
    for (Instruction i : instructions) {
      if (i.keyword().equals("FROM")) {
        if (body != null) {
          stages.add(new Stage(raw, substitute(raw, args), name, List.copyOf(body)));
        }
        String[] parts = i.withoutFlags().split("\\s+");
        raw = parts[0];
        name = parts.length >= 3 && parts[1].equalsIgnoreCase("AS") ? parts[2] : null;
        body = new ArrayList<>();
      } else if (body != null) {
        body.add(i);
      }
    }
    if (body != null) {
      stages.add(new Stage(raw, substitute(raw, args), name, List.copyOf(body)));
    }
    return stages;
  }

  Stage finalStage() {
    List<Stage> stages = stages();
    return stages.get(stages.size() - 1);
  }

  /** {@code ${NAME}} and {@code $NAME} replaced by ARG defaults; unresolvable ones stay. */
  static String substitute(String text, Map<String, String> args) {
    Matcher m = VARIABLE.matcher(text);
    StringBuilder out = new StringBuilder();
    while (m.find()) {
      String value = args.get(m.group(1));
      m.appendReplacement(out, Matcher.quoteReplacement(value != null ? value : m.group()));
    }
    m.appendTail(out);
    return out.toString();
  }

  /** {@code A=1 B="two words"} into a map (the legacy {@code ENV A 1} form too). */
  static Map<String, String> assignments(String arguments) {
    Map<String, String> out = new LinkedHashMap<>();
    String text = arguments.strip();
    if (!text.isEmpty() && !text.split("\\s+")[0].contains("=")) {
      String[] legacy = text.split("\\s+", 2);
      out.put(legacy[0], legacy.length > 1 ? legacy[1] : "");
      return out;
    }
    Matcher m = ASSIGNMENT.matcher(text);
    while (m.find()) {
      out.put(m.group(1), unquote(m.group(2)));
    }
    return out;
  }

  private static String unquote(String value) {
    if (value.length() >= 2
        && ((value.startsWith("\"") && value.endsWith("\""))
            || (value.startsWith("'") && value.endsWith("'")))) {
      return value.substring(1, value.length() - 1);
    }
    return value;
  }
}
