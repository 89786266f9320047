package io.neurostream.training;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.neurostream.avro.DementiaStage;
import io.neurostream.imaging.GrayImage;
import io.neurostream.phantom.PhantomDatasetWriter;
import io.neurostream.phantom.PhantomGenerator;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class KaggleDatasetTest {

  @TempDir Path tmp;

  private static void writeJpeg(Path file, int size) throws IOException {
    Files.createDirectories(file.getParent());
    BufferedImage img = new BufferedImage(size, size, BufferedImage.TYPE_INT_RGB);
    ImageIO.write(img, "jpeg", file.toFile());
  }

  private static void writePng(Path file) throws IOException {
    Files.createDirectories(file.getParent());
    Files.write(file, new GrayImage(4, 4, new float[16]).toPng());
  }

  @Test
  void shouldReadSubjectsAndSlicesFromTheGeneratorsManifest() {
    Path dir = tmp.resolve("ds");
    PhantomGenerator gen = PhantomGenerator.builder().setSeed(1).optSize(32).build();
    PhantomDatasetWriter.write(gen, dir, 6, 3, 1, false, n -> {});

    KaggleDataset ds = KaggleDataset.open(dir);

    assertThat(ds.subjectSource()).isEqualTo(KaggleDataset.SubjectSource.MANIFEST);
    assertThat(ds.images()).hasSize(18);
    assertThat(ds.subjects()).hasSize(6);
    assertThat(ds.images()).allSatisfy(i -> {
      assertThat(i.file()).exists();
      assertThat(i.slice()).isBetween(0, 2);
      assertThat(i.file().getParent().getFileName().toString()).isEqualTo(i.label().name());
    });
    int[] expected = gen.subjectsPerStage(6);
    for (DementiaStage s : DementiaStage.values()) {
      assertThat(ds.imagesPerClass().get(s)).isEqualTo(expected[s.ordinal()] * 3);
    }
  }

  @Test
  void shouldTreatEachImageAsItsOwnSubjectWithoutSubjectInformation() throws IOException {
    // given the real Kaggle naming: class folders without underscores, JPEGs of any size
    writeJpeg(tmp.resolve("NonDemented/nonDem0.jpg"), 176);
    writeJpeg(tmp.resolve("NonDemented/nonDem1.jpg"), 176);
    writeJpeg(tmp.resolve("ModerateDemented/moderateDem0.jpg"), 208);
    writePng(tmp.resolve("Very Mild Demented/x.png"));
    Files.writeString(tmp.resolve("NonDemented/readme.txt"), "not an image");

    KaggleDataset ds = KaggleDataset.open(tmp);

    assertThat(ds.hasSubjects()).isFalse();
    assertThat(ds.images()).extracting(LabeledImage::subject).doesNotHaveDuplicates().hasSize(4);
    assertThat(ds.images()).extracting(LabeledImage::slice).containsOnly(LabeledImage.UNKNOWN_SLICE);
    assertThat(ds.images()).extracting(LabeledImage::label).containsExactly(
        DementiaStage.Non_Demented, DementiaStage.Non_Demented,
        DementiaStage.Very_Mild_Demented, DementiaStage.Moderate_Demented);
  }

  @Test
  void shouldWarnWhenOnlySomeClassFoldersHoldImages() throws IOException {
    // given only two of the four class folders
    writePng(tmp.resolve("Non_Demented/sub-01_a.png"));
    writePng(tmp.resolve("Mild_Demented/sub-02_a.png"));

    KaggleDataset ds = KaggleDataset.open(tmp);

    assertThat(ds.missingClasses()).containsExactly(DementiaStage.Very_Mild_Demented, DementiaStage.Moderate_Demented);
    assertThat(ds.missingClassesWarning()).hasValueSatisfying(w -> assertThat(w)
        .contains("only 2 of the 4 classes", "Very_Mild_Demented", "Moderate_Demented", "can never predict those classes"));
  }

  @Test
  void shouldNotWarnWhenEveryClassHasImages() {
    Path dir = tmp.resolve("all");
    PhantomDatasetWriter.write(PhantomGenerator.builder().setSeed(1).optSize(32).build(), dir, 8, 1, 1, false, n -> {});
    assertThat(KaggleDataset.open(dir).missingClassesWarning()).isEmpty();
  }

  @Test
  void shouldTakeSubjectsFromBidsLikeFileNames() throws IOException {
    writePng(tmp.resolve("Mild_Demented/sub-01_s03.png"));
    writePng(tmp.resolve("Mild_Demented/sub-01_s04.png"));
    writePng(tmp.resolve("Non_Demented/sub-02_slice-7.png"));

    KaggleDataset ds = KaggleDataset.open(tmp);

    assertThat(ds.subjectSource()).isEqualTo(KaggleDataset.SubjectSource.FILE_NAMES);
    assertThat(ds.images()).extracting(LabeledImage::subject).containsExactly("sub-02", "sub-01", "sub-01");
    assertThat(ds.images()).extracting(LabeledImage::slice).containsExactly(7, 3, 4);
  }

  @Test
  void shouldFailClearlyOnMissingEmptyOrUnknownFolders() throws IOException {
    assertThatThrownBy(() -> KaggleDataset.open(tmp.resolve("nope")))
        .hasMessageContaining("does not exist").hasMessageContaining("Non_Demented");

    Files.createDirectories(tmp.resolve("train"));
    assertThatThrownBy(() -> KaggleDataset.open(tmp))
        .hasMessageContaining("no class folders").hasMessageContaining("[train]")
        .hasMessageContaining("Moderate_Demented");

    Files.createDirectories(tmp.resolve("Non_Demented"));
    assertThatThrownBy(() -> KaggleDataset.open(tmp))
        .hasMessageContaining("unknown class folder(s) [train]")
        .hasMessageContaining("expected only [Non_Demented, Very_Mild_Demented, Mild_Demented, Moderate_Demented]");

    Files.delete(tmp.resolve("train"));
    assertThatThrownBy(() -> KaggleDataset.open(tmp)).hasMessageContaining("holds no images");
  }

  @Test
  void shouldRejectAManifestThatDoesNotMatchTheFiles() throws IOException {
    writePng(tmp.resolve("Non_Demented/a.png"));
    writePng(tmp.resolve("Mild_Demented/b.png"));
    Path manifest = tmp.resolve("manifest.csv");

    Files.writeString(manifest, "file,subject,slice,class\nNon_Demented/a.png,s1,0,Non_Demented\n");
    assertThatThrownBy(() -> KaggleDataset.open(tmp)).hasMessageContaining("[Mild_Demented/b.png]")
        .hasMessageContaining("not in");

    Files.writeString(manifest, "file,subject,slice,class\nNon_Demented/a.png,s1,0,Non_Demented\n"
        + "Mild_Demented/b.png,s2,0,Non_Demented\n");
    assertThatThrownBy(() -> KaggleDataset.open(tmp)).hasMessageContaining("line 3")
        .hasMessageContaining("Mild_Demented folder");

    Files.writeString(manifest, "file,subject\nNon_Demented/a.png,s1\nMild_Demented/b.png,s2\n"
        + "Mild_Demented/c.png,s3\n");
    assertThatThrownBy(() -> KaggleDataset.open(tmp)).hasMessageContaining("Mild_Demented/c.png")
        .hasMessageContaining("not an image");

    Files.writeString(manifest, "file,subject\nNon_Demented/a.png,s1\nMild_Demented/b.png,s2\n");
    Map<String, Long> bySubject = KaggleDataset.load(tmp).stream()
        .collect(java.util.stream.Collectors.groupingBy(LabeledImage::subject, java.util.stream.Collectors.counting()));
    assertThat(bySubject).containsOnlyKeys("s1", "s2");
  }

  @Test
  void shouldMatchClassFolderNamesLoosely() {
    assertThat(KaggleDataset.stageOf("VeryMildDemented")).isEqualTo(DementiaStage.Very_Mild_Demented);
    assertThat(KaggleDataset.stageOf("very_mild_demented")).isEqualTo(DementiaStage.Very_Mild_Demented);
    assertThat(KaggleDataset.stageOf("Mild Demented")).isEqualTo(DementiaStage.Mild_Demented);
    assertThat(KaggleDataset.stageOf("Demented")).isNull();
    assertThat(List.of(DementiaStage.values())).allSatisfy(s -> assertThat(KaggleDataset.stageOf(s.name())).isEqualTo(s));
  }
}
