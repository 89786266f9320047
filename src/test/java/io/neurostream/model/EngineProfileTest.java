package io.neurostream.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import ai.djl.engine.Engine;
import ai.djl.util.Utils;
import java.io.IOException;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import org.junit.jupiter.api.Test;

/**
 * Proves which engine the model tests ran on. The Maven profile picks it ({@code mxnet} by
 * default, {@code -Ppytorch}) and hands its name to the tests as {@code neurostream.test.engine};
 * without this test a profile that silently fell back to another engine would still pass.
 */
class EngineProfileTest {

  @Test
  void shouldRunOnTheEngineTheMavenProfileSelects() {
    // given: the engine the build asked for
    String expected = System.getProperty("neurostream.test.engine");
    assumeTrue(expected != null, "not started by Maven: no neurostream.test.engine to compare with");

    // when
    Engine engine = Engine.getInstance();

    // then: printed so the CI log shows which engine the run used
    System.out.println("DJL engine under test: " + engine.getEngineName() + " " + engine.getVersion());
    assertThat(engine.getEngineName()).isEqualTo(expected);
    assertThat(Engine.getDefaultEngineName()).isEqualTo(expected);
  }

  @Test
  void shouldLoadTheNativesOfflineFromTheEngineNativeJar() throws IOException {
    // given: DJL may not download anything
    assertThat(System.getProperty("ai.djl.offline")).isEqualTo("true");

    // when
    String engine = Engine.getInstance().getEngineName().toLowerCase(Locale.ROOT);

    // then: the platform descriptor DJL matched comes from a native jar on the class path ...
    URL descriptor = getClass().getClassLoader().getResource("native/lib/" + engine + ".properties");
    assertThat(descriptor).as("native/lib/%s.properties on the class path", engine).isNotNull();
    assertThat(descriptor.getProtocol()).as(descriptor.toString()).isEqualTo("jar");

    // ... and the libraries this process mapped were unpacked from it into this build's cache
    Path cache = Utils.getEngineCacheDir(engine).toRealPath();
    List<String> libraries = Files.readAllLines(Path.of("/proc/self/maps")).stream()
        .map(line -> line.substring(line.lastIndexOf(' ') + 1))
        .filter(file -> file.contains(".so"))
        .distinct()
        .toList();
    assertThat(libraries).as("shared libraries mapped from %s", cache)
        .anyMatch(file -> file.startsWith(cache.toString()));
  }
}
