package io.neurostream.ops;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class WritableDirectoryTest {

  @TempDir Path dir;

  @Test
  void shouldCreateAMissingDirectoryAndLeaveNoProbeBehind() throws Exception {
    Path state = dir.resolve("a").resolve("state");
    assertThat(WritableDirectory.require(state, "--state-dir")).isEqualTo(state);
    assertThat(state).isDirectory();
    try (var files = Files.list(state)) {
      assertThat(files).isEmpty();
    }
  }

  @Test
  void shouldNameTheDirectoryAndTheSettingWhenItCannotBeWritten() throws Exception {
    // a path below a regular file: unwritable for every user, root included
    Path file = Files.writeString(dir.resolve("not-a-dir"), "x");
    Path state = file.resolve("state");
    assertThatThrownBy(() -> WritableDirectory.require(state, "--state-dir (state.dir)"))
        .isInstanceOf(UncheckedIOException.class)
        .hasMessageStartingWith(state + " is not a writable directory (")
        .hasMessageEndingWith("; set --state-dir (state.dir) to a writable directory, e.g. a mounted volume");
  }
}
