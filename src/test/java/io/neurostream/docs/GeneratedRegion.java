package io.neurostream.docs;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The part of a docs page between {@code <!-- generated:begin ... -->} and
 * {@code <!-- generated:end -->}: text a generator owns, so a test can compare it with the
 * generator's output and rewrite it on request.
 *
 * @param before the page up to and including the begin marker's line
 * @param content the generated text
 * @param after the page from the end marker on
 */
record GeneratedRegion(String before, String content, String after) {

  static final String BEGIN = "<!-- generated:begin";
  static final String END = "<!-- generated:end -->";

  /** Splits {@code page}; throws naming the markers if it has none. */
  static GeneratedRegion of(String page, String name) {
    int begin = page.indexOf(BEGIN);
    int end = page.indexOf(END);
    if (begin < 0 || end < begin) {
      throw new IllegalArgumentException(name + " has no generated region; put the generated text between a line "
          + BEGIN + " ... --> and a line " + END);
    }
    int contentStart = page.indexOf('\n', begin) + 1;
    return new GeneratedRegion(page.substring(0, contentStart), page.substring(contentStart, end), page.substring(end));
  }

  static GeneratedRegion read(Path page) throws IOException {
    return of(Files.readString(page, StandardCharsets.UTF_8), page.toString());
  }

  /** The page with {@code generated} as its region. */
  String with(String generated) {
    return before + (generated.endsWith("\n") ? generated : generated + "\n") + after;
  }

  /** Whether the region holds exactly {@code generated} (up to the final line break). */
  boolean holds(String generated) {
    return content.strip().equals(generated.strip());
  }
}
