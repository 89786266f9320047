package io.neurostream.docs;

import static org.assertj.core.api.Assertions.assertThat;

import io.neurostream.kafka.Topic;
import io.neurostream.kafka.Topics;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The topic and schema tables of docs/architecture.md are written by hand (they explain keys and
 * meaning), so this test holds them to the code: one row per declared topic with its partitions
 * and cleanup policy, one row per schema in schemas/.
 */
class ContractTablesTest {

  static final Path PAGE = Path.of("docs/architecture.md");

  @Test
  void topicTableShouldListEveryDeclaredTopicWithItsPartitionsAndCleanup() throws IOException {
    Map<String, String[]> rows = rows(section("## Topics"));
    assertThat(rows.keySet()).as("topics in the table of %s", PAGE)
        .containsExactlyInAnyOrderElementsOf(Topics.all().stream().map(Topic::name).toList());
    for (Topic<?, ?> t : Topics.all()) {
      String[] cells = rows.get(t.name());
      assertThat(cells[1]).as("partitions of %s", t.name()).startsWith(Integer.toString(t.partitions()));
      assertThat(cells[2]).as("cleanup of %s", t.name()).startsWith(t.configs().get("cleanup.policy"));
    }
  }

  @Test
  void schemaTableShouldListEverySchemaFile() throws IOException {
    Set<String> files;
    try (Stream<Path> s = Files.list(Path.of("schemas"))) {
      files = s.map(p -> p.getFileName().toString()).filter(n -> n.endsWith(".avsc"))
          .map(n -> n.substring(0, n.length() - ".avsc".length())).collect(Collectors.toCollection(TreeSet::new));
    }
    assertThat(new TreeSet<>(rows(section("## Schemas")).keySet())).as("schemas in the table of %s", PAGE)
        .isEqualTo(files);
  }

  /** The text of a section, up to the next heading of the same level. */
  private static String section(String heading) throws IOException {
    String page = Files.readString(PAGE, StandardCharsets.UTF_8);
    int start = page.indexOf("\n" + heading + "\n");
    assertThat(start).as("%s has a section %s", PAGE, heading).isNotNegative();
    int end = page.indexOf("\n## ", start + heading.length() + 1);
    return page.substring(start, end < 0 ? page.length() : end);
  }

  /** Table rows by the name in their first cell (the text between backticks). */
  private static Map<String, String[]> rows(String section) {
    Map<String, String[]> rows = new LinkedHashMap<>();
    for (String line : section.lines().toList()) {
      if (line.startsWith("| `")) {
        String[] cells = line.substring(1).split("(?<!\\\\)\\|");
        for (int i = 0; i < cells.length; i++) {
          cells[i] = cells[i].strip();
        }
        rows.put(cells[0].replace("`", ""), cells);
      }
    }
    return rows;
  }
}
