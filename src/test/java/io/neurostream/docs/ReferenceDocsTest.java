package io.neurostream.docs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.neurostream.cli.CliReference;
import io.neurostream.config.ConfigCatalog;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/**
 * The configuration and CLI references in docs/ are generated from the code; this test fails when
 * they drift. Regenerate both with
 * {@code ./mvnw -q test -Dtest=ReferenceDocsTest -Ddocs.regenerate=true} (docs/testing.md).
 */
class ReferenceDocsTest {

  static final String REGENERATE = "./mvnw -q test -Dtest=ReferenceDocsTest -Ddocs.regenerate=true";

  @Test
  void configurationReferenceShouldMatchTheConfigKeysInTheCode() throws IOException {
    check(Path.of("docs/configuration.md"), ConfigCatalog.markdown());
  }

  @Test
  void cliReferenceShouldMatchThePicocliCommandsInTheCode() throws IOException {
    check(Path.of("docs/cli.md"), CliReference.markdown());
  }

  @Test
  void shouldNoticeAStaleRegionAndRewriteOnlyTheRegion() {
    // given a page whose generated region no longer matches the generator
    String page = "# Title\nhand-written\n" + GeneratedRegion.BEGIN + " x -->\n| `old.key` |\n"
        + GeneratedRegion.END + "\nmore hand-written\n";
    GeneratedRegion region = GeneratedRegion.of(page, "page.md");
    // then the check fails, and regenerating keeps the hand-written text around it
    assertThat(region.holds("| `new.key` |\n")).isFalse();
    assertThat(region.holds("| `old.key` |")).isTrue();
    assertThat(region.with("| `new.key` |")).isEqualTo("# Title\nhand-written\n" + GeneratedRegion.BEGIN
        + " x -->\n| `new.key` |\n" + GeneratedRegion.END + "\nmore hand-written\n");
    assertThatThrownBy(() -> GeneratedRegion.of("# no markers\n", "page.md"))
        .hasMessageContaining("page.md has no generated region");
  }

  private static void check(Path page, String generated) throws IOException {
    GeneratedRegion region = GeneratedRegion.read(page);
    if (Boolean.getBoolean("docs.regenerate")) {
      Files.writeString(page, region.with(generated), StandardCharsets.UTF_8);
      System.out.println("regenerated " + page);
      return;
    }
    assertThat(region.content().strip())
        .as("%s is out of date with the code; regenerate it with %s", page, REGENERATE)
        .isEqualTo(generated.strip());
  }
}
