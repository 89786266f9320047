package io.neurostream.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class HelpTest {

  @Test
  void topLevelHelpShouldListEveryCommandWithAWholeSentence() {
    List<String> entries = commandEntries(TailCommandTest.run("--help").out());
    assertThat(entries).hasSizeGreaterThan(10);
    assertThat(entries).allSatisfy(e -> assertThat(e).as("command list entry").endsWith("."));
    assertThat(entries).anySatisfy(e -> assertThat(e).startsWith("generate").contains("Kaggle layout, with a manifest."));
  }

  @Test
  void subcommandListsShouldAlsoEndInWholeSentences() {
    assertThat(commandEntries(TailCommandTest.run("models", "--help").out()))
        .isNotEmpty().allSatisfy(e -> assertThat(e).endsWith("."));
  }

  @Test
  void firstSentenceShouldStopAtTheFirstFullStopButNotAtAbbreviationsOrFileNames() {
    assertThat(CommandSummaries.firstSentence("Train on a folder (split by subject when a\nmanifest.csv is present). More."))
        .isEqualTo("Train on a folder (split by subject when a manifest.csv is present).");
    assertThat(CommandSummaries.firstSentence("Publish a bundle, e.g. the initial one. Then more."))
        .isEqualTo("Publish a bundle, e.g. the initial one.");
    assertThat(CommandSummaries.firstSentence("No full stop at all")).isEqualTo("No full stop at all");
  }

  @Test
  void aMistypedCommandShouldSuggestTheCommandMeant() {
    assertThat(TailCommandTest.run("tial").err()).contains("Did you mean: neurostream tail?");
    assertThat(TailCommandTest.run("models", "rollbak").err()).contains("Did you mean: neurostream models rollback?");
    assertThat(TailCommandTest.run("trian").err()).contains("Did you mean: neurostream train?");
    assertThat(ParameterErrorHandler.slips("tial", "tail")).isEqualTo(1);
    assertThat(ParameterErrorHandler.slips("stack", "tail")).isGreaterThan(2);
  }

  @Test
  void noCommandShouldPointAtTheListBelowIt() {
    TailCommandTest.Run run = TailCommandTest.run();
    assertThat(run.code()).isEqualTo(2);
    assertThat(run.err()).startsWith("Missing command; see the list below.").contains("Commands:");
  }

  /** The entries under "Commands:", each joined onto one line. */
  private static List<String> commandEntries(String help) {
    List<String> entries = new ArrayList<>();
    boolean inList = false;
    for (String line : help.lines().toList()) {
      if (line.equals("Commands:")) {
        inList = true;
      } else if (inList && line.matches("^  \\S.*")) {
        entries.add(line.strip().replaceAll("\\s+", " "));
      } else if (inList && line.matches("^\\s{4,}\\S.*") && !entries.isEmpty()) {
        int last = entries.size() - 1;
        entries.set(last, entries.get(last) + " " + line.strip());
      } else if (inList && !line.isBlank()) {
        inList = false;
      }
    }
    return entries;
  }
}
