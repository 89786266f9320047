package io.neurostream.ops;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

class BackgroundPriorityTest {

  @Test
  void shouldLowerOnlyTheCallingThreadAndWhatItStartsAfterwards() throws Exception {
    assumeTrue(Files.exists(Path.of("/proc/thread-self")), "Linux only");
    // given
    int before = BackgroundPriority.currentNice();
    AtomicReference<Boolean> lowered = new AtomicReference<>();
    AtomicInteger lowNice = new AtomicInteger(-100);
    AtomicInteger childNice = new AtomicInteger(-100);
    // when
    Thread background = new Thread(() -> {
      lowered.set(BackgroundPriority.lowerCurrentThread("test work"));
      try {
        lowNice.set(BackgroundPriority.currentNice());
        Thread child = new Thread(() -> {
          try {
            childNice.set(BackgroundPriority.currentNice());
          } catch (java.io.IOException e) {
            throw new IllegalStateException(e);
          }
        });
        child.start();
        child.join();
      } catch (Exception e) {
        throw new IllegalStateException(e);
      }
    });
    background.start();
    background.join();
    // then
    assertThat(lowered.get()).isTrue();
    assertThat(lowNice.get()).isEqualTo(BackgroundPriority.LOWEST);
    assertThat(childNice.get()).isEqualTo(BackgroundPriority.LOWEST);
    assertThat(BackgroundPriority.currentNice()).isEqualTo(before);
  }
}
