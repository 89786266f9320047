package io.neurostream.phantom;

import io.neurostream.imaging.GrayImage;
import io.neurostream.imaging.ImageDecoder;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.neurostream.avro.DementiaStage;
import io.neurostream.avro.ImageEncoding;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PhantomDatasetWriterTest {

  @TempDir Path tmp;

  private static final PhantomGenerator GEN = PhantomGenerator.builder().setSeed(5).optSize(64).build();

  @Test
  void shouldWriteTheKaggleLayoutWithAManifest() throws IOException {
    Path dir = tmp.resolve("ds");

    PhantomDatasetWriter.Summary summary = PhantomDatasetWriter.write(GEN, dir, 8, 3, 2, false, n -> {});

    assertThat(summary.images()).isEqualTo(24);
    assertThat(summary.subjects()).isEqualTo(8);
    for (DementiaStage s : DementiaStage.values()) {
      assertThat(dir.resolve(s.name())).isDirectory();
    }
    List<String> manifest = Files.readAllLines(dir.resolve("manifest.csv"));
    assertThat(manifest.get(0)).isEqualTo("file,subject,slice,class");
    assertThat(manifest).hasSize(25);
    String[] first = manifest.get(1).split(",");
    assertThat(first[1]).isEqualTo("sub-0000");
    assertThat(first[2]).isEqualTo("0");
    assertThat(first[0]).isEqualTo(first[3] + "/sub-0000_s00.png");
    GrayImage img = ImageDecoder.decode(Files.readAllBytes(dir.resolve(first[0])), ImageEncoding.PNG, 0, 0);
    assertThat(img.width()).isEqualTo(64);
  }

  @Test
  void shouldWriteTheSameBytesWhateverTheThreadCount() throws IOException {
    Path one = tmp.resolve("one");
    Path three = tmp.resolve("three");

    PhantomDatasetWriter.write(GEN, one, 6, 2, 1, false, n -> {});
    PhantomDatasetWriter.write(GEN, three, 6, 2, 3, false, n -> {});

    List<Path> files = list(one);
    assertThat(files).hasSize(13).isEqualTo(list(three));
    for (Path f : files) {
      assertThat(Files.readAllBytes(three.resolve(f))).as(f.toString()).isEqualTo(Files.readAllBytes(one.resolve(f)));
    }
  }

  @Test
  void shouldRefuseANonEmptyDirectoryUnlessOverwriting() throws IOException {
    Path dir = tmp.resolve("ds");
    PhantomDatasetWriter.write(GEN, dir, 4, 1, 1, false, n -> {});

    assertThatThrownBy(() -> PhantomDatasetWriter.write(GEN, dir, 4, 1, 1, false, n -> {}))
        .hasMessageContaining("not empty").hasMessageContaining("--overwrite");
    PhantomDatasetWriter.write(GEN, dir, 4, 2, 1, true, n -> {});
    assertThat(list(dir)).hasSize(9);
  }

  private static List<Path> list(Path root) throws IOException {
    try (Stream<Path> s = Files.walk(root)) {
      return s.filter(Files::isRegularFile).map(root::relativize).sorted().toList();
    }
  }
}
