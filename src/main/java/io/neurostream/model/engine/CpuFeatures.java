package io.neurostream.model.engine;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Set;
import java.util.stream.Collectors;

/** The CPU's instruction-set flags as Linux reports them ({@code /proc/cpuinfo}). */
final class CpuFeatures {

  private static volatile Set<String> flags;

  private CpuFeatures() {}

  /** Whether the CPU reports {@code flag} (e.g. {@code avx512_bf16}); false where unknown. */
  static boolean has(String flag) {
    Set<String> f = flags;
    if (f == null) {
      f = read(Path.of("/proc/cpuinfo"));
      flags = f;
    }
    return f.contains(flag);
  }

  static Set<String> read(Path cpuinfo) {
    try {
      return Files.readAllLines(cpuinfo).stream()
          .filter(l -> l.startsWith("flags"))
          .findFirst()
          .map(l -> Arrays.stream(l.substring(l.indexOf(':') + 1).trim().split("\\s+"))
              .collect(Collectors.toUnmodifiableSet()))
          .orElse(Set.of());
    } catch (IOException | RuntimeException e) {
      return Set.of();
    }
  }
}
