package io.neurostream.phantom;

import static org.assertj.core.api.Assertions.assertThat;

import io.neurostream.imaging.DecodeLimits;
import io.neurostream.imaging.DicomInstance;
import io.neurostream.imaging.DicomReader;
import io.neurostream.imaging.DicomTools;
import io.neurostream.imaging.TransferSyntax;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PhantomSeriesWriterTest {

  @TempDir Path dir;

  @Test
  void shouldWriteOneConsistentSeriesPerSubjectThatDcmtkReads() throws Exception {
    // given
    PhantomGenerator generator = PhantomGenerator.builder().setSeed(11).optSize(64).build();
    // when
    int files = PhantomSeriesWriter.write(generator, 11, dir, 2, 4, TransferSyntax.RLE_LOSSLESS,
        n -> { });
    // then
    assertThat(files).isEqualTo(8);
    List<Path> dcm;
    try (Stream<Path> walk = Files.walk(dir)) {
      dcm = walk.filter(p -> p.toString().endsWith(".dcm")).sorted().toList();
    }
    assertThat(dcm).hasSize(8);
    Set<String> series = new HashSet<>();
    Set<String> studies = new HashSet<>();
    List<Integer> numbers = new ArrayList<>();
    for (Path file : dcm) {
      DicomInstance i = DicomReader.open(Files.readAllBytes(file), DecodeLimits.DEFAULT);
      assertThat(i.transferSyntax()).isEqualTo(TransferSyntax.RLE_LOSSLESS);
      assertThat(i.pixelFormat().bitsAllocated()).isEqualTo(16);
      assertThat(i.imagesInAcquisition()).contains(4);
      int n = i.instanceNumber().orElseThrow();
      assertThat(i.sliceLocation()).contains(5.0 * (n - 1));
      assertThat(i.imagePositionPatient()).endsWith("\\" + (int) (5.0 * (n - 1)));
      assertThat(file.getFileName().toString()).isEqualTo(String.format("IM%04d.dcm", n));
      assertThat(i.patientId()).isEqualTo(file.getParent().getFileName().toString());
      series.add(i.seriesInstanceUid());
      studies.add(i.studyInstanceUid());
      numbers.add(n);
      DicomTools.run(List.of("dcmdump", "-q", file.toString())); // a third-party parser agrees
    }
    assertThat(series).hasSize(2);
    assertThat(studies).hasSize(2);
    assertThat(numbers).containsExactlyInAnyOrder(1, 2, 3, 4, 1, 2, 3, 4);
    assertThat(Files.readAllLines(dir.resolve(PhantomDatasetWriter.MANIFEST)))
        .hasSize(9).first().isEqualTo(PhantomDatasetWriter.MANIFEST_HEADER);
  }
}
