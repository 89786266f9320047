package io.neurostream.docs;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The README is the way into the docs: it stays short, every page under docs/ is reached from it
 * by links, and every relative link in the README and the pages resolves (file and heading).
 */
class DocsLinksTest {

  static final Path README = Path.of("README.md");
  static final Path DOCS = Path.of("docs");
  static final long README_MAX_BYTES = 12 * 1024;

  private static final Pattern LINK = Pattern.compile("\\]\\(([^)\\s]+)(?:\\s+\"[^\"]*\")?\\)");
  private static final Pattern HEADING = Pattern.compile("^#{1,6}\\s+(.+?)\\s*#*\\s*$", Pattern.MULTILINE);
  private static final Pattern FENCE = Pattern.compile("^```.*?^```", Pattern.MULTILINE | Pattern.DOTALL);

  @Test
  void readmeShouldStayWithinTwelveKilobytes() throws IOException {
    assertThat(Files.size(README)).as("README.md size in bytes; move detail into a docs/ page")
        .isLessThanOrEqualTo(README_MAX_BYTES);
  }

  @Test
  void everyDocsPageShouldBeReachedFromTheReadme() throws IOException {
    Set<Path> reached = new TreeSet<>();
    Deque<Path> todo = new ArrayDeque<>(List.of(README.toAbsolutePath().normalize()));
    while (!todo.isEmpty()) {
      Path page = todo.pop();
      if (!reached.add(page)) {
        continue;
      }
      for (String target : links(page)) {
        Path file = resolve(page, target);
        if (file.toString().endsWith(".md") && Files.isRegularFile(file)) {
          todo.push(file);
        }
      }
    }
    Set<Path> pages = new TreeSet<>(docsPages());
    pages.removeAll(reached);
    assertThat(pages).as("docs pages no link from README.md leads to; link them from the README's table").isEmpty();
  }

  @Test
  void everyRelativeLinkShouldResolveToAFileAndHeading() throws IOException {
    List<String> broken = new ArrayList<>();
    List<Path> pages = new ArrayList<>(docsPages());
    pages.add(0, README.toAbsolutePath().normalize());
    for (Path page : pages) {
      for (String target : links(page)) {
        Path file = resolve(page, target);
        if (!Files.exists(file)) {
          broken.add(rel(page) + " → " + target + " (no such file)");
          continue;
        }
        int hash = target.indexOf('#');
        if (hash >= 0 && file.toString().endsWith(".md")) {
          String anchor = target.substring(hash + 1);
          if (!anchors(file).contains(anchor)) {
            broken.add(rel(page) + " → " + target + " (no heading with anchor #" + anchor + ")");
          }
        }
      }
    }
    assertThat(broken).as("broken links").isEmpty();
  }

  @Test
  void shouldMakeHeadingAnchorsAsGitHubDoes() {
    assertThat(anchor("Training on phantoms (model notes)")).isEqualTo("training-on-phantoms-model-notes");
    assertThat(anchor("`neurostream models publish`")).isEqualTo("neurostream-models-publish");
    assertThat(anchor("Schema registry and serde properties")).isEqualTo("schema-registry-and-serde-properties");
  }

  /** Relative link targets of a page, outside code blocks; web links and mail are not checked. */
  static List<String> links(Path page) throws IOException {
    String text = FENCE.matcher(Files.readString(page, StandardCharsets.UTF_8)).replaceAll("");
    List<String> targets = new ArrayList<>();
    Matcher m = LINK.matcher(text);
    while (m.find()) {
      String target = m.group(1);
      if (!target.matches("^[a-z]+:.*")) {
        targets.add(target);
      }
    }
    return targets;
  }

  private static Path resolve(Path page, String target) {
    int hash = target.indexOf('#');
    String file = hash >= 0 ? target.substring(0, hash) : target;
    return file.isEmpty() ? page : page.getParent().resolve(file).normalize();
  }

  /** The anchors GitHub gives a page's headings. */
  static Set<String> anchors(Path page) throws IOException {
    String text = FENCE.matcher(Files.readString(page, StandardCharsets.UTF_8)).replaceAll("");
    Set<String> anchors = new LinkedHashSet<>();
    Matcher m = HEADING.matcher(text);
    while (m.find()) {
      String a = anchor(m.group(1));
      String unique = a;
      for (int i = 1; !anchors.add(unique); i++) {
        unique = a + "-" + i;
      }
    }
    return anchors;
  }

  /** GitHub's slug: lower case, punctuation other than - and _ dropped, spaces to dashes. */
  static String anchor(String heading) {
    return heading.toLowerCase(Locale.ROOT).replaceAll("[^\\p{L}\\p{N} _-]", "").replace(' ', '-');
  }

  private static List<Path> docsPages() throws IOException {
    try (Stream<Path> files = Files.list(DOCS)) {
      return files.filter(p -> p.toString().endsWith(".md")).map(p -> p.toAbsolutePath().normalize()).sorted().toList();
    }
  }

  private static String rel(Path p) {
    return Path.of("").toAbsolutePath().relativize(p).toString();
  }
}
